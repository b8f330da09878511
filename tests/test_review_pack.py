"""Review packs: made by the CLI, reviewed offline in Chromium by keyboard and touch, imported."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from pipeline import conflicts
from pipeline.actions import Policy, Request, perform
from pipeline.catalogs import read_catalog
from pipeline.checks.html import AXE_RUN, AXE_TAGS
from pipeline.checks.tools import axe_script
from pipeline.comments import now
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.history import event
from pipeline.review import segment_id, status
from pipeline.review_pack import import_reviews, make_pack, records
from pipeline.review_pack.pack import script_json
from pipeline.review_pack.reviewfile import checksum
from pipeline.store import EditionCatalog, edition

from .conftest import REPO, copy_project

SECRET = "pack-test-secret-0000-1111:fx"
REVIEWER = "Ayşe Yılmaz"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Reviewed:
    """The Turkish pack, reviewed in the browser, and the project as it was before import."""

    project: Path  # imported into by the tests in order
    pristine: Path  # a copy of the project before any import
    pack: Path
    review: Path  # the downloaded review file
    chosen: dict[str, str]  # segment id: what the reviewer did
    new_text: str


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole module."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield launched
        launched.close()


def _offline(browser: Browser, blocked: list[str], **options: Any) -> BrowserContext:
    """A context that lets nothing but file: URLs through, and records what it stopped."""
    context = browser.new_context(**options)

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context


def _pack_by_cli(project: Path, output: Path) -> None:
    env = dict(os.environ, DEEPL_AUTH_KEY=SECRET)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "review", "pack", "--project", str(project)]
        + ["--lang", "tr", "--segments", "draft", "--reviewer", REVIEWER, "--output", str(output)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "31 segment(s) of tr" in done.stdout


@pytest.fixture(scope="module")
def reviewed(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    """Make the Turkish pack, review four segments at 390 px by keyboard and touch, download."""
    base = tmp_path_factory.mktemp("pack")
    project = copy_project(base / "project")
    pack = base / "pack-tr.html"
    _pack_by_cli(project, pack)
    data = _pack_data(pack)
    ids = [s["id"] for s in data["segments"]]
    # Title and the first heading and paragraphs, in document order.
    approve_key, edit_key, approve_touch, back_touch = ids[5], ids[6], ids[4], ids[7]
    blocked: list[str] = []
    context = _offline(browser, blocked, viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(pack.as_uri())
    _keyboard_approve(page, approve_key)
    new_text = _keyboard_edit(page, edit_key)
    _touch(page, approve_touch, back_touch)
    page.reload()
    expect(page.locator(".chosen")).to_have_count(4)
    expect(page.locator("#progress")).to_contain_text("4 / 31")
    assert page.input_value("#reviewer") == REVIEWER
    with page.expect_download() as info:
        page.click("#finish")
    review = base / "review.json"
    info.value.save_as(review)
    assert "review-tr-" in info.value.suggested_filename
    context.close()
    assert blocked == []
    pristine = base / "pristine"
    shutil.copytree(project, pristine)
    chosen = {approve_key: "approve", edit_key: "edit", approve_touch: "approve"}
    return Reviewed(project, pristine, pack, review, chosen | {back_touch: "send_back"}, new_text)


def _keyboard_approve(page: Page, segment: str) -> None:
    page.focus(f"#seg-{segment} button[data-action=approve]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#seg-{segment} .chosen")).to_be_visible()
    assert page.evaluate("document.activeElement.className") == "chosen"
    # Not wait_for_function: its polling evaluates a string, which the pack's CSP forbids.
    expect(page.locator("#status")).to_contain_text("Kaydedildi")


def _keyboard_edit(page: Page, segment: str) -> str:
    page.focus(f"#seg-{segment} button[data-action=edit]")
    page.keyboard.press("Enter")
    field = page.locator(f"#f-{segment}-text")
    assert page.evaluate("document.activeElement.id") == f"f-{segment}-text"
    assert field.get_attribute("lang") == "tr" and field.get_attribute("dir") == "ltr"
    text = "Yeni çeviri, klavyeyle yazıldı."
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # the direction toggle
    page.keyboard.press("Tab")  # the comment
    page.keyboard.type("Daha açık.")
    page.keyboard.press("Tab")  # save and approve
    page.keyboard.press("Enter")
    expect(page.locator(f"#seg-{segment} .chosen")).to_be_visible()
    return text


def _touch(page: Page, approve: str, back: str) -> None:
    term = page.locator(f"#seg-{approve} button.term").first
    term.tap()
    expect(term).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#{term.get_attribute('aria-controls')}")).to_be_visible()
    page.tap(f"#seg-{approve} button[data-action=approve]")
    page.tap(f"#seg-{back} button[data-action=send_back]")
    page.tap(f"#seg-{back} button[type=submit]")  # empty: the comment is required
    expect(page.locator(f"#f-{back}-comment-error")).to_be_visible()
    expect(page.locator(f"#f-{back}-comment")).to_have_attribute("aria-invalid", "true")
    page.fill(f"#f-{back}-comment", "Bitte den Satz kürzer.")
    page.tap(f"#seg-{back} button[type=submit]")
    expect(page.locator(f"#seg-{back} .chosen")).to_be_visible()


def _pack_data(pack: Path) -> dict[str, Any]:
    html = pack.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="pack-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def _blocks(po: Path) -> list[str]:
    return po.read_text(encoding="utf-8").split("\n\n")


def _state(project: Path) -> tuple[bytes, bytes]:
    history = project / "translations" / "history" / "tr.log"
    po = (project / "translations" / "tr.po").read_bytes()
    return po, history.read_bytes() if history.exists() else b""


@pytest.fixture(scope="module")
def imported(reviewed: Reviewed) -> tuple[list[str], Any]:
    """Import the review file once; return the catalog's entries before it and the summary."""
    before = _blocks(reviewed.project / "translations" / "tr.po")
    return before, import_reviews(load_config(reviewed.project), [reviewed.review])


def test_the_pack_is_offline_escaped_and_secret_free(reviewed: Reviewed):
    html = reviewed.pack.read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    assert not re.search(r"\b(src|href)=\"(?!#)", html)
    assert SECRET not in html
    assert str(reviewed.project) not in html and str(REPO) not in html
    assert "default-src 'none'" in unescape(html)
    assert len(re.findall(r"<script\b", html)) == 2  # the data and the one script
    assert '<html lang="tr" dir="ltr">' in html


def test_the_review_file_holds_the_decisions(reviewed: Reviewed):
    data = json.loads(reviewed.review.read_text(encoding="utf-8"))
    assert data["format"] == "pipeline-review/1"
    assert data["reviewer"] == REVIEWER and data["edition"] == "tr"
    assert data["publication"]["slug"] == "integrationskonzept-dietzenbach"
    assert data["checksum"] == checksum(data)  # the script's SHA-256 is Python's
    got = {d["segment"]: d["action"] for d in data["decisions"]}
    assert got == reviewed.chosen
    edit = next(d for d in data["decisions"] if d["action"] == "edit")
    assert edit["text"] == reviewed.new_text and edit["comment"] == "Daha açık."
    record = records.read(reviewed.project, data["pack"])
    assert record is not None and set(got) <= set(record.segments)


def test_the_script_sha256_is_sha256(browser: Browser, reviewed: Reviewed):
    page = browser.new_page()
    page.goto(reviewed.pack.as_uri())
    samples = ["", "abc", "a" * 55, "b" * 56, "c" * 64, "ğüşİ ٣ 𝄞 \u2028", "x" * 1000]
    got = page.evaluate("(xs) => xs.map((x) => window.pipelineReview.sha256(x))", samples)
    page.close()
    assert got == [hashlib.sha256(s.encode()).hexdigest() for s in samples]


def test_import_changes_exactly_the_reviewed_entries(reviewed: Reviewed, imported):
    before, summary = imported
    after = _blocks(reviewed.project / "translations" / "tr.po")
    assert len(after) == len(before)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) == 4
    catalog = read_catalog(reviewed.project / "translations" / "tr.po", "tr")
    by_id = {segment_id(m): m for m in catalog if m.id}
    for segment, action in reviewed.chosen.items():
        assert status(by_id[segment]) == ("draft" if action == "send_back" else "approved")
    edited = next(s for s, a in reviewed.chosen.items() if a == "edit")
    assert by_id[edited].string == reviewed.new_text
    history = (reviewed.project / "translations" / "history" / "tr.log").read_text()
    assert len(history.splitlines()) == 4 and REVIEWER in history
    assert summary.conflicts == 0 and summary.applied == 4
    text = "\n".join(summary.lines())
    assert "2 approved" in text and "1 edited and approved" in text and "1 sent back" in text


def test_importing_twice_changes_nothing(reviewed: Reviewed, imported):
    state = _state(reviewed.project)
    again = import_reviews(load_config(reviewed.project), [reviewed.review])
    assert _state(reviewed.project) == state
    assert again.applied == 0 and again.conflicts == 0
    assert "already imported, nothing changed: 4" in "\n".join(again.lines())


def test_a_german_edit_since_the_pack_is_a_conflict(reviewed: Reviewed, tmp_path: Path):
    project = shutil.copytree(reviewed.pristine, tmp_path / "project")
    approved = next(s for s, a in reviewed.chosen.items() if a == "approve")
    record = records.read(project, _pack_data(reviewed.pack)["pack"])
    assert record is not None
    german = record.segments[approved].german
    source = project / "source" / "integrationskonzept.md"
    text = source.read_text(encoding="utf-8")
    assert german in text
    source.write_text(text.replace(german, german.replace("Text", "Dokument", 1)))
    summary = import_reviews(load_config(project), [reviewed.review])
    assert summary.conflicts == 1 and summary.applied == 3
    assert any("the German changed" in line for line in summary.lines())
    catalog = read_catalog(project / "translations" / "tr.po", "tr")
    assert all(segment_id(m) != approved or status(m) != "approved" for m in catalog)
    [kept] = conflicts.pending(project, "tr")
    assert kept.segment == approved and kept.action == "approve"
    assert kept.pack_german == german and "Dokument" in kept.current_german
    assert kept.current_status in ("stale", "draft") and kept.reviewer == REVIEWER
    state = _state(project)
    again = import_reviews(load_config(project), [reviewed.review])
    assert again.conflicts == 0 and _state(project) == state
    assert len(conflicts.pending(project, "tr")) == 1
    assert conflicts.resolve(project, "tr", approved) == 1
    assert conflicts.pending(project, "tr") == []


def _forge(review: Path, target: Path, change: Any, keep_checksum: bool = False) -> Path:
    data = json.loads(review.read_text(encoding="utf-8"))
    change(data)
    if not keep_checksum:
        data["checksum"] = checksum(data)
    target.write_text(json.dumps(data), encoding="utf-8")
    return target


BAD_FILES = {
    "not a review file": lambda r, t: (t.write_text('{"hello": 1}'), t)[1],
    "cut off": lambda r, t: (t.write_text(r.read_text()[:300]), t)[1],
    "checksum does not match": lambda r, t: _forge(
        r, t, lambda d: d["decisions"][0].update(text="anders"), keep_checksum=True
    ),
    "which its pack did not hold": lambda r, t: _forge(
        r, t, lambda d: d["decisions"][0].update(segment="0123456789ab")
    ),
    "another publication": lambda r, t: _forge(
        r, t, lambda d: d["publication"].update(slug="other-town")
    ),
    "was not made in this project": lambda r, t: _forge(r, t, lambda d: d.update(pack="f" * 32)),
}


@pytest.mark.parametrize("expected", BAD_FILES)
def test_a_bad_file_is_one_clear_error_and_changes_nothing(
    reviewed: Reviewed, tmp_path: Path, expected: str
):
    project = shutil.copytree(reviewed.pristine, tmp_path / "project")
    bad = BAD_FILES[expected](reviewed.review, tmp_path / "bad.json")
    state = _state(project)
    with pytest.raises(PipelineError) as raised:
        # The good file comes first: nothing of it may be applied either.
        import_reviews(load_config(project), [reviewed.review, bad])
    assert expected in raised.value.message and raised.value.path == bad
    assert _state(project) == state


def test_the_cli_import_error_is_one_line(reviewed: Reviewed, tmp_path: Path):
    bad = tmp_path / "review.json"
    bad.write_text(reviewed.review.read_text()[:-40])
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "review", "import", "--project", str(reviewed.pristine)]
        + [str(bad)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert str(bad) in line and "cut off" in line


def test_the_data_cannot_end_its_script_element():
    text = script_json({"t": "</script><!-- & \u2028\u2029 >"})
    assert not set(text) & set("<>&\u2028\u2029") and "</" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028\u2029 >"}


def _axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    results = page.evaluate(AXE_RUN, AXE_TAGS)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results["violations"]]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_axe_finds_nothing(browser: Browser, reviewed: Reviewed, viewport):
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.goto(reviewed.pack.as_uri())
    segment = _pack_data(reviewed.pack)["segments"][9]["id"]
    page.click(f"#seg-{segment} button[data-action=edit]")  # an open form, too
    page.click(f"#seg-{segment} button[type=submit]")
    page.click("#seg-" + _pack_data(reviewed.pack)["segments"][0]["id"] + " button.term")
    try:
        assert _axe(page) == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """An Arabic pack under four-eyes, with a hostile translation and a draft by the reviewer."""
    project = copy_project(tmp_path_factory.mktemp("ar") / "project")
    config = project / "publication.toml"
    config.write_text(config.read_text(encoding="utf-8") + "four_eyes = true\n")
    publication = load_config(project)
    store = EditionCatalog(publication, edition(publication, "ar"))
    hostile = '</script><b id="pwned">x</b> <!-- & -->'
    mine = ""

    def work(catalog):
        nonlocal mine
        messages = [m for m in catalog if m.id]
        messages[5].string = hostile  # as if typed in Poedit
        mine = segment_id(messages[6])
        request = Request("save", REVIEWER, "نص كتبته المراجِعة.")
        saved = perform(messages[6], request, Policy(four_eyes=True), now())
        return [event("drafted", segment_id(messages[5]), "Poedit"), saved]

    store.change(work)
    result = make_pack(publication, "ar", ["draft"], REVIEWER, project.parent / "pack-ar.html")
    return project, result.path, mine


def test_an_arabic_pack_is_right_to_left_escaped_and_four_eyes(browser: Browser, arabic):
    project, pack, mine = arabic
    html = pack.read_text(encoding="utf-8")
    assert "pwned" in html
    assert '<html lang="ar" dir="rtl">' in html
    assert "</script><b" not in html and "<!--" not in html
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(pack.as_uri())
    assert page.locator("#pwned").count() == 0
    assert page.get_by_text('<b id="pwned">').count() == 1  # shown as text
    assert page.locator(f"#seg-{mine} button[data-action=approve]").count() == 0
    edit = page.locator(f"#seg-{mine} button[data-action=edit]")
    assert edit.inner_text() == "تعديل وحفظ لمراجع ثانٍ"
    edit.click()
    field = page.locator(f"#f-{mine}-text")
    assert (field.get_attribute("lang"), field.get_attribute("dir")) == ("ar", "rtl")
    page.click(f"#seg-{mine} button[aria-pressed]")
    assert field.get_attribute("dir") == "ltr"
    try:
        assert _axe(page) == []
    finally:
        context.close()


def test_four_eyes_refuses_approving_your_own_draft(arabic, tmp_path: Path):
    project, pack, mine = arabic
    data = _pack_data(pack)
    segment = next(s for s in data["segments"] if s["id"] == mine)
    review = {
        "format": "pipeline-review/1",
        "pack": data["pack"],
        "publication": data["publication"],
        "edition": "ar",
        "reviewer": REVIEWER,
        "created": "2026-12-03T10:00:00Z",
        "decisions": [
            {"segment": mine, "version": segment["version"], "action": "approve"}
            | {"text": "", "comment": ""}
        ],
    }
    review["checksum"] = checksum(review)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(review), encoding="utf-8")
    state = (project / "translations" / "ar.po").read_bytes()
    summary = import_reviews(load_config(project), [path])
    assert summary.applied == 0 and summary.conflicts == 0
    assert any("refused" in line and "four-eyes" in line for line in summary.lines())
    assert (project / "translations" / "ar.po").read_bytes() == state


def test_the_second_page_and_the_page_survive_a_reload(browser: Browser, reviewed: Reviewed):
    page = browser.new_page()
    page.goto(reviewed.pack.as_uri())
    page.click("#pager button >> nth=1")
    expect(page.locator("#list-heading")).to_be_focused()
    expect(page.locator("#segments article")).to_have_count(11)  # segments 21 to 31
    page.reload()
    expect(page.locator("#list-heading")).to_contain_text("21")
    page.close()
