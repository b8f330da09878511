"""Measure a review pack of a large catalog: its size and how fast Chromium opens it.

Usage: .venv/bin/python benchmarks/bench_review_pack.py [--segments 5000] [--runs 3]
       [--screenshots docs/images]
Generates a publication in a temporary directory: this project's German source repeated
with numbered chapters and paragraphs (as benchmarks/bench_translate.py does) until it has
at least `--segments` segments, with one Arabic edition (the largest pack: two more fonts)
whose catalog holds a pseudo draft for every segment. It makes a pack of all segments and
opens it from file:// in Debian's Chromium `--runs` times, with the network blocked.
With `--screenshots DIR` it also reviews packs of a copy of this project on a phone-sized
and a desktop screen, saves the pictures for docs/review-packs.md into DIR and imports the
review file, printing the import's summary.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.bench_translate import make_publication  # noqa: E402
from pipeline.catalogs import catalog_path, read_catalog, update_catalogs, write_catalog  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.review_pack import import_reviews, make_pack  # noqa: E402
from pipeline.store import edition  # noqa: E402
from tests.conftest import copy_project  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]
SEGMENTS_PER_COPY = 13  # segments one copy of the source gives
POLISH_EDIT = (
    "Koncepcja integracji przeszła kolejne aktualizacje. Tutaj znajdą Państwo aktualną "
    "aktualizację koncepcji integracji [PDF: 553 kB] (2017/2018)."
)


def large_project(target: Path, segments: int) -> Path:
    """Write a publication with an Arabic catalog of at least `segments` pseudo drafts."""
    project = make_publication(target, copies=segments // SEGMENTS_PER_COPY + 1)
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"\n(en-GB|tr|pl|ru|uk) = \{\}", "", text), encoding="utf-8")
    publication = load_config(project)
    update_catalogs(publication)
    path = catalog_path(publication, edition(publication, "ar"))
    catalog = read_catalog(path, "ar")
    for number, message in enumerate((m for m in catalog if m.id), start=1):
        message.string = f"مسودة تجريبية رقم {number}: {message.id}"
    write_catalog(catalog, path)
    return project


def open_time(browser: Browser, pack: Path) -> float:
    """Return the seconds from navigation until the first segments are on the screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    page = context.new_page()
    start = time.perf_counter()
    page.goto(pack.as_uri())
    page.wait_for_selector("#segments article")
    seconds = time.perf_counter() - start
    context.close()
    return seconds


def benchmark(segments: int, runs: int) -> None:
    """Make the large pack and print its figures."""
    with tempfile.TemporaryDirectory() as scratch:
        project = large_project(Path(scratch) / "project", segments)
        publication = load_config(project)
        start = time.perf_counter()
        result = make_pack(publication, "ar", ["draft"], "", Path(scratch) / "pack.html")
        made = time.perf_counter() - start
        size = result.path.stat().st_size
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            times = [open_time(browser, result.path) for _ in range(runs)]
            browser.close()
    print(f"segments in the pack: {result.segments}")
    print(f"pack size: {size / 1_000_000:.2f} MB ({size} bytes)")
    print(f"making the pack: {made:.1f} s")
    print(f"opening in Chromium: median {statistics.median(times):.2f} s, best {min(times):.2f} s")


def screenshots(target: Path) -> None:
    """Review packs of a copy of this project on a phone and a desktop; save the pictures."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        project = copy_project(Path(scratch) / "project")
        publication = load_config(project)
        polish = make_pack(publication, "pl", ["draft"], "Anna Nowak", Path(scratch) / "pl.html")
        arabic = make_pack(publication, "ar", ["draft"], "Samira", Path(scratch) / "ar.html")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            review = _phone(browser, polish.path, target, Path(scratch))
            _desktop(browser, polish.path, target)
            _arabic(browser, arabic.path, target)
            browser.close()
        print(f"review file: {review.name}, {review.stat().st_size} bytes")
        for line in import_reviews(publication, [review]).lines():
            print(line)


def _phone(browser: Browser, pack: Path, target: Path, scratch: Path) -> Path:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(pack.as_uri())
    page.screenshot(path=target / "review-pack-phone-start.png")
    first, second = _ids(page)[5], _ids(page)[6]
    page.locator(f"#seg-{first} button.term").first.tap()
    page.tap(f"#seg-{first} button[data-action=approve]")
    _show(page, first, target / "review-pack-phone-approved.png")
    page.tap(f"#seg-{second} button[data-action=edit]")
    page.fill(
        f"#f-{second}-text",
        POLISH_EDIT,
    )
    _show(page, second, target / "review-pack-phone-edit.png")
    page.tap(f"#seg-{second} button[type=submit]")
    with page.expect_download() as info:
        page.tap("#finish")
    page.locator("#finish-result").scroll_into_view_if_needed()
    page.screenshot(path=target / "review-pack-phone-finish.png")
    review = scratch / info.value.suggested_filename
    info.value.save_as(review)
    context.close()
    return review


def _desktop(browser: Browser, pack: Path, target: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(pack.as_uri())
    segment = _ids(page)[5]
    page.click(f"#seg-{segment} details summary")
    _show(page, segment, target / "review-pack-desktop.png")
    context.close()


def _arabic(browser: Browser, pack: Path, target: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(pack.as_uri())
    segment = _ids(page)[5]
    page.tap(f"#seg-{segment} button[data-action=send_back]")
    _show(page, segment, target / "review-pack-phone-arabic.png")
    context.close()


def _ids(page: Page) -> list[str]:
    return page.eval_on_selector_all("#segments article", "(all) => all.map((a) => a.id.slice(4))")


def _show(page: Page, segment: str, path: Path) -> None:
    """Save a picture of one whole segment as the phone shows it."""
    page.locator(f"#seg-{segment}").screenshot(path=path)


def main() -> None:
    """Parse the options and run the benchmark (and the screenshots)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshots", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    benchmark(args.segments, args.runs)
    if args.screenshots:
        screenshots(args.screenshots)


if __name__ == "__main__":
    main()
