"""Measure the term check: precision and recall on the labelled cases, and its speed.

Usage: .venv/bin/python benchmarks/bench_terms.py [--project .]
Times loading each language's word list (the first word analysed) and checking the
project's source and catalogs against its glossary, then scores tests/terms_cases/*.tsv
(de: is the concept found in the German sentence; tr, pl: does the post-check report a
finding for the pair).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for the labelled cases' scorer in tests/

from pipeline.config import load_config  # noqa: E402
from pipeline.glossary import load_termbase  # noqa: E402
from pipeline.review import term_issues  # noqa: E402
from pipeline.terms import analyzer, check_sources  # noqa: E402
from tests.test_terms import evaluate  # noqa: E402


def main() -> None:
    """Print the timings and the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    args = parser.parse_args()
    _time_project(args.project)
    print("labelled cases (tests/terms_cases)")
    print(f"{'lang':6}{'cases':>7}{'precision':>11}{'recall':>8}")
    for lang in ("de", "tr", "pl"):
        score = evaluate(lang)
        print(f"{lang:6}{score.cases:>7}{score.precision:>11.3f}{score.recall:>8.3f}")
        for text in score.wrong:
            print(f"      wrong: {text}")


def _time_project(project: Path) -> None:
    publication = load_config(project)
    langs = [publication.source_language] + [e.lang for e in publication.editions]
    print("loading a language's word list (first word analysed)")
    for lang in dict.fromkeys(langs):
        started = time.perf_counter()
        analyzer(lang).keys("Integration")
        print(f"  {lang:6}{time.perf_counter() - started:>7.2f} s")
    termbase = load_termbase(publication)
    if termbase is None:
        print("no termbase in the project: nothing more to time")
        return
    started = time.perf_counter()
    forbidden = check_sources(publication, termbase)
    issues = term_issues(publication) or []
    elapsed = time.perf_counter() - started
    print(
        f"check the project (word lists loaded): {elapsed:.2f} s, {len(forbidden)} forbidden "
        f"term(s) in the source, {sum(len(i.findings) for i in issues)} finding(s) in catalogs"
    )


if __name__ == "__main__":
    main()
