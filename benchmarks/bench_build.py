"""Measure the build against the raw tools, on a large copy of this publication.

Usage: .venv/bin/python benchmarks/bench_build.py [--repeat N] [--no-publish]

The benchmark publication is this project with its German source repeated N times (60 by
default), each copy's blocks numbered so that no two are equal, with all its editions. In
one run it measures, side by side:

- the raw tool chain for each edition, by hand in one process: pandoc HTML, WeasyPrint
  PDF/UA-1 and pandoc EPUB, from the same edition text and page the pipeline renders;
- `python -m pipeline build` in a fresh project: full, again with nothing changed, and after
  one translation edit; and `publish` with nothing changed;
- the peak RSS of the largest process of the build (main or worker).

It prints the four ratios of issue 13 and the figures behind them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypandoc
import weasyprint

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline import pandoc  # noqa: E402
from pipeline.catalogs import template, translated_editions  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.glossary import load_termbase  # noqa: E402
from pipeline.localize import edition_text, own_text  # noqa: E402
from pipeline.render import html  # noqa: E402
from pipeline.source import load_document  # noqa: E402
from pipeline.wordlist import used_concepts  # noqa: E402


def make_publication(target: Path, repeat: int) -> Path:
    """Copy this project into `target` with its German source repeated `repeat` times."""
    target.mkdir(parents=True)
    shutil.copy(REPO / "publication.toml", target)
    for name in ("source", "glossary", "translations"):
        shutil.copytree(REPO / name, target / name)
    publication = load_config(target)
    for path in publication.sources:
        ast = pandoc.read_markdown(path)
        blocks = []
        for number in range(1, repeat + 1):
            for block in copy.deepcopy(ast["blocks"]):
                _number(block, number)
                blocks.append(block)
        path.write_text(pandoc.to_markdown({**ast, "blocks": blocks}), encoding="utf-8")
    _pipeline(target, "catalogs")
    return target


def _number(node: object, number: int) -> None:
    """Put "(N) " in front of every paragraph, heading and plain block, however deep."""
    if isinstance(node, list):
        for item in node:
            _number(item, number)
    elif isinstance(node, dict):
        mark = [{"t": "Str", "c": f"({number})"}, {"t": "Space"}]
        if node.get("t") in ("Para", "Plain"):
            node["c"][:0] = mark
        elif node.get("t") == "Header":
            node["c"][2][:0] = mark
        _number(node.get("c"), number)


def _pipeline(project: Path, *args: str) -> float:
    """Run `python -m pipeline ARGS` in the project; return its wall time."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline", "-q", *args, "--project", str(project)],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=REPO,
    )
    return time.perf_counter() - start


def raw_tools(project: Path) -> dict[str, float]:
    """Time pandoc HTML + WeasyPrint PDF/UA-1 + pandoc EPUB for each edition, in this process."""
    publication = load_config(project)
    document = load_document(publication)
    termbase = load_termbase(publication)
    glossary = used_concepts(termbase, document.ast["blocks"]) if termbase else []
    pot = template(publication) if translated_editions(publication) else None
    times = {}
    with tempfile.TemporaryDirectory() as scratch:
        html.write_assets(Path(scratch))
        for edition in publication.editions:
            text = (
                own_text(publication, edition, termbase)
                if edition.own_text
                else edition_text(publication, edition, document, glossary, pot)
            )
            folder = Path(scratch) / edition.id
            folder.mkdir()
            for image in text.document.images:
                (folder / image.src).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(image.path, folder / image.src)
            start = time.perf_counter()
            body = pandoc.to_html(text.document.ast)
            page = html.render_page(edition, text, body, [], [], for_print=True)
            weasyprint.HTML(string=page, base_url=str(folder / "x.html")).write_pdf(
                folder / "x.pdf", pdf_variant="pdf/ua-1"
            )
            pypandoc.convert_text(
                json.dumps(text.document.ast),
                "epub3",
                format="json",
                outputfile=str(folder / "x.epub"),
                extra_args=[f"--resource-path={folder}"],
            )
            times[edition.id] = time.perf_counter() - start
    return times


def main() -> None:
    """Make the benchmark publication, measure, print the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--no-publish", dest="publish", action="store_false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        project = make_publication(Path(scratch) / "bench", args.repeat)
        raw = raw_tools(project)
        raw_sum = sum(raw.values())
        full = _pipeline(project, "build")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        pdf = next((project / "output" / "de").glob("*.pdf"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = next((x.split()[-1] for x in info.splitlines() if x.startswith("Pages")), "?")
        noop = _pipeline(project, "build")
        edited = _edit_one_translation(project, "pl")
        edit = _pipeline(project, "build")
        noop_publish = None
        if args.publish:
            _pipeline(project, "publish")
            noop_publish = _pipeline(project, "publish")
    cores = os.cpu_count()
    print(
        f"benchmark publication: source x{args.repeat}, {pages} PDF pages (de), "
        f"{len(raw)} editions, {cores} cores"
    )
    for edition, seconds in raw.items():
        print(f"  raw tools, {edition:9s} {seconds:6.2f} s")
    goal = "(goal <= 0.55)"
    print(f"raw tools, sum of all editions  {raw_sum:6.2f} s")
    print(f"build, full                     {full:6.2f} s = {full / raw_sum:.2f} x raw sum {goal}")
    print(f"build, nothing changed          {noop:6.2f} s (goal <= 1 s)")
    ratio = edit / raw[edited]
    line = f"build after one edit in {edited:7s} {edit:6.2f} s = {ratio:.2f} x raw {edited}"
    print(f"{line} (goal <= 1.1)")
    if noop_publish is not None:
        print(f"publish, nothing changed        {noop_publish:6.2f} s (goal <= 3 s)")
    print(f"peak RSS of one build process   {peak_mb:6.0f} MB (goal <= 600 MB per worker)")


def _edit_one_translation(project: Path, lang: str) -> str:
    """Change one translated segment of the catalog, as a reviewer's correction would."""
    po = project / "translations" / f"{lang}.po"
    text = po.read_text(encoding="utf-8")
    marker = 'msgstr "'
    start = text.index(marker, text.index("\n\n#")) + len(marker)  # the first entry's
    po.write_text(text[:start] + "Korrektur: " + text[start:], encoding="utf-8")
    return lang


if __name__ == "__main__":
    main()
