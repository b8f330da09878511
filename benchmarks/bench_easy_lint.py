"""Measure the Leichte Sprache linter: precision and recall per rule, and its speed.

Usage: .venv/bin/python benchmarks/bench_easy_lint.py [--copies 5]

Prints a Markdown table of precision and recall per rule on the labelled cases in
tests/easy_cases/ (the development cases, and the held-out cases written after the rules
and never tuned on), then times `lint_lines` on a long text: every case line, the clean
Leichte Sprache sample and this project's German source (standard German, so it has many
findings), `--copies` times over. Each copy numbers its lines differently, so no two
lines are the same text and the per-sentence cache cannot hide the cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.easy import default_config, language, lint_lines  # noqa: E402
from pipeline.easy.evaluate import Score, evaluate, read_cases  # noqa: E402

CASES = REPO / "tests" / "easy_cases"


def score_table() -> list[str]:
    """Return the Markdown table of precision and recall per rule."""
    development, holdout = evaluate(CASES), evaluate(CASES / "holdout")
    rows = [
        "| rule | cases (+/−) | precision | recall | held-out (+/−) | precision | recall |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule, dev in development.items():
        held = holdout[rule]
        rows.append(
            f"| {rule} | {_counts(dev)} | {_figures(dev)} | {_counts(held)} | {_figures(held)} |"
        )
    rows.append(f"| all rules | {_total(development.values())} | {_total(holdout.values())} |")
    return rows


def _counts(score: Score) -> str:
    positives = score.true_positives + score.false_negatives
    return f"{positives}/{score.false_positives + score.true_negatives}"


def _figures(score: Score) -> str:
    return f"{score.precision:.2f} | {score.recall:.2f}"


def _total(scores: object) -> str:
    total = Score("all")
    for score in scores:  # type: ignore[attr-defined]
        total.true_positives += score.true_positives
        total.false_positives += score.false_positives
        total.false_negatives += score.false_negatives
        total.true_negatives += score.true_negatives
    return f"{_counts(total)} | {_figures(total)}"


def long_text() -> list[str]:
    """Return the benchmark text: every case line, the clean sample, the German source."""
    lines = [text for path in sorted(CASES.rglob("LS-*.txt")) for _, text in read_cases(path)]
    lines += (CASES / "clean.md").read_text(encoding="utf-8").splitlines()
    lines += (REPO / "source" / "integrationskonzept.md").read_text(encoding="utf-8").splitlines()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5)
    args = parser.parse_args()
    config = default_config()
    start = time.perf_counter()
    lint_lines(["HILFE gibt es im Rathaus."], "-", config)  # loads HanTa and wordfreq
    loading = time.perf_counter() - start
    print("\n".join(score_table()))
    lines = long_text()
    words = args.copies * sum(len(line.split()) for line in lines)
    findings = 0
    start = time.perf_counter()
    for _ in range(args.copies):
        language.clear_sentence_cache()
        findings += len(lint_lines(lines, "bench.md", config, markdown=True))
    seconds = time.perf_counter() - start
    print(
        f"\nLoading the tagger and the word lists: {loading:.2f} s\n"
        f"Linting {args.copies * len(lines)} lines ({words} words): {seconds:.2f} s, "
        f"{1000 * seconds / words:.3f} ms per word, {findings} findings"
    )


if __name__ == "__main__":
    main()
