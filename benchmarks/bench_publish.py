"""Time each stage of publishing a project: build (per format) and check (per checker).

Usage: .venv/bin/python benchmarks/bench_publish.py [--project DIR] [--runs N]
Builds into a temporary directory, so output/ is left alone.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.build import build
from pipeline.checks.epub import run_ace, run_epubcheck
from pipeline.checks.html import check_html
from pipeline.checks.pdf import check_pdf


def timed(runs: int, call: Callable[[], object]) -> tuple[float, float]:
    """Return the median and the minimum wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    """Print one line per stage: median and best of N runs."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", type=Path, default=Path("."))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "output"
        result = build(args.project, output, use_cache=False)
        files = {a.kind: a.path for a in result.artifacts}
        stages: dict[str, Callable[[], object]] = {
            "build (all formats, landing page)": lambda: build(
                args.project, output, use_cache=False
            ),
            "check html (axe + reflow, 2 pages)": lambda: check_html(
                [result.landing, files["html"]]
            ),
            "check pdf (PDF/UA structure)": lambda: check_pdf(files["pdf"]),
            "check epub (EPUBCheck)": lambda: run_epubcheck(files["epub"], Path(scratch) / "w"),
            "check epub (Ace)": lambda: run_ace(files["epub"], Path(scratch) / "w"),
        }
        print(f"project: {args.project.resolve().name}, runs: {args.runs}")
        for name, call in stages.items():
            median, best = timed(args.runs, call)
            print(f"{name:40s} median {median:6.2f} s   best {best:6.2f} s")


if __name__ == "__main__":
    main()
