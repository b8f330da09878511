"""Count what a full machine translation costs: requests, texts and billed characters.

Usage: .venv/bin/python benchmarks/bench_translate.py [--copies 66]
Generates a benchmark publication in a temporary directory: this project's German source
repeated `--copies` times, each copy with its own chapter heading and numbered paragraphs (so
that no two segments are the same text and the translation memory cannot hide the cost),
with this project's six translated editions. Then, against the test DeepL server on
127.0.0.1, it runs `translate --all` three times: from empty catalogs, again unchanged, and
after one paragraph was edited.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import deepl
import pikepdf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for the test server in tests/

from pipeline.build import build  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.mt.translate import translate  # noqa: E402
from tests.deepl_server import TEST_KEY, DeepLServer  # noqa: E402


def make_publication(target: Path, copies: int) -> Path:
    """Write the benchmark publication: the German source, `copies` times, varied."""
    target.mkdir(parents=True)
    config = (REPO / "publication.toml").read_text(encoding="utf-8")
    # The translated editions only: the Leichte Sprache edition is written, not translated.
    (target / "publication.toml").write_text(re.sub(r"\nde-leicht = .*", "", config), "utf-8")
    blocks = (REPO / "source" / "integrationskonzept.md").read_text(encoding="utf-8").split("\n\n")
    chapters = []
    for number in range(1, copies + 1):
        chapter = [f"# Kapitel {number}: Fortschreibung"]
        for index, block in enumerate(blocks, start=1):
            block = block.strip()
            if block.startswith("#"):
                chapter.append(re.sub(r"^#+ ", f"## {number}.{index} ", block))
            elif block:
                chapter.append(f"({number}.{index}) {block}")
        chapters.append("\n\n".join(chapter))
    source = target / "source" / "integrationskonzept.md"
    source.parent.mkdir()
    source.write_text("\n\n".join(chapters) + "\n", encoding="utf-8")
    return target


def german_pages(project: Path, scratch: Path) -> int:
    """Build the German edition alone and count its PDF pages."""
    german = scratch / "german"
    shutil.copytree(project, german)
    config = german / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"\n(en-GB|tr|ar|pl|ru|uk) = \{\}", "", text), encoding="utf-8")
    result = build(german)
    pdf = next(a.path for a in result.artifacts if a.kind == "pdf")
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def run(server: DeepLServer, project: Path, label: str) -> None:
    """Translate every edition once and print what it cost."""
    before = len(server.translate_requests())
    client = deepl.DeepLClient(TEST_KEY, server_url=server.url)
    start = time.perf_counter()
    results = translate(load_config(project), None, client)
    seconds = time.perf_counter() - start
    requests = server.translate_requests()[before:]
    texts = [len(r.texts) for r in requests]
    print(
        f"{label}: {sum(p.done for p in results)} segments, {len(requests)} requests, "
        f"{sum(r.billed_characters or 0 for r in requests)} characters billed, "
        f"max {max(texts, default=0)} texts and "
        f"{max((r.body_bytes for r in requests), default=0)} bytes per request, "
        f"{seconds:.1f} s"
    )
    for progress in results:
        if progress.billed:
            print(f"  {progress.edition}: {progress.requests} requests, {progress.billed} chars")


def main() -> None:
    """Print the pages of the benchmark text and the cost of three translate runs."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=66)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, DeepLServer(TEST_KEY) as server:
        server.character_limit = 100_000_000
        project = make_publication(Path(scratch) / "bench", args.copies)
        print(f"benchmark text: {args.copies} copies, {german_pages(project, Path(scratch))} pages")
        run(server, project, "first run, empty catalogs")
        run(server, project, "second run, nothing changed")
        source = project / "source" / "integrationskonzept.md"
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("wichtigen Beitrag", "großen Beitrag", 1), "utf-8")
        run(server, project, "third run, one paragraph edited")


if __name__ == "__main__":
    main()
