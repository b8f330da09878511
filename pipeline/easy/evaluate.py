"""Score the rules on labelled cases: precision and recall per rule.

A case file is named after its rule (LS-PASSIVE.txt). Each line is "+ text" for a text
that violates the rule, "- text" for one that does not, or "# comment". Each text is
linted on its own with the default settings, and only the file's rule is scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.easy.config import EasyConfig, default_config
from pipeline.easy.lint import lint_lines
from pipeline.easy.rules import RULES
from pipeline.errors import PipelineError, read_utf8


@dataclass
class Score:
    """How one rule did on its cases; `missed` and `false_alarms` name the texts."""

    rule: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Return the share of reported cases that are violations (1.0 if none reported)."""
        reported = self.true_positives + self.false_positives
        return self.true_positives / reported if reported else 1.0

    @property
    def recall(self) -> float:
        """Return the share of violations that were reported."""
        violations = self.true_positives + self.false_negatives
        return self.true_positives / violations if violations else 1.0


def read_cases(path: Path) -> list[tuple[bool, str]]:
    """Return (violates the rule, text) for each case of a case file."""
    cases = []
    for number, line in enumerate(read_utf8(path).splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line[:2] not in {"+ ", "- "}:
            raise PipelineError("a case starts with '+ ', '- ' or '#'", path, number)
        cases.append((line[0] == "+", line[2:]))
    return cases


def evaluate(directory: Path, config: EasyConfig | None = None) -> dict[str, Score]:
    """Score every rule that has a case file in `directory`."""
    config = config or default_config()
    scores = {}
    for path in sorted(directory.glob("LS-*.txt")):
        rule = path.stem
        if rule not in RULES:
            raise PipelineError(f"no rule '{rule}' for this case file", path)
        score = Score(rule)
        for violates, text in read_cases(path):
            found = any(f.rule == rule for f in lint_lines([text], "-", config))
            if violates and found:
                score.true_positives += 1
            elif violates:
                score.false_negatives += 1
                score.missed.append(text)
            elif found:
                score.false_positives += 1
                score.false_alarms.append(text)
            else:
                score.true_negatives += 1
        scores[rule] = score
    return scores
