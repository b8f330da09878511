"""Every Leichte Sprache rule: its id, default severity, options and check.

Severities: an `error` blocks a build; the error rules are those the standards forbid
outright and that rest on counts, characters or word lists (LS-ABBREV also reports any short
all-capital word, and LS-MEDIOPUNKT-FORM uses word frequencies to judge a split: both can
be waived, and terms explained in the glossary are never reported).
Rules that rest on the tagger's reading of a sentence are warnings: each finding is still
a violation, but a writer may have good reason to keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.easy.rules import chars, clauses, compounds, foreign, numbers, verbs, words
from pipeline.easy.rules.base import Check, Hit, Options

__all__ = ["RULES", "Rule", "Hit", "Options"]

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Rule:
    """A rule: what it checks, how severe a violation is, and what it can be told."""

    id: str
    severity: str
    summary: str
    check: Check
    options: dict[str, Any] = field(default_factory=dict)  # defaults the config may change


_WORD_LISTS: dict[str, Any] = {"allow": []}  # words a project declares known

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("LS-SENT-LEN", "error", "a sentence of more than 12 words",
             clauses.sentence_length, {"max_words": 12}),
        Rule("LS-SUBCLAUSE", "warning", "a subordinate clause", clauses.subordinate_clause),
        Rule("LS-COORD", "warning", "two statements in one sentence", clauses.coordination),
        Rule("LS-PASSIVE", "warning", "the passive", verbs.passive),
        Rule("LS-GENITIVE", "warning", "a genitive", words.genitive),
        Rule("LS-SUBJUNCTIVE", "warning", "the subjunctive", verbs.subjunctive),
        Rule("LS-NEGATION", "warning", "a negation", words.negation),
        Rule("LS-ABBREV", "error", "an abbreviation", words.abbreviation, dict(_WORD_LISTS)),
        Rule("LS-NUM-LARGE", "warning", "a large or decimal number",
             numbers.large_number, {"minimum": 1000}),
        Rule("LS-PERCENT", "warning", "a percentage", numbers.percentage),
        Rule("LS-NUM-WORD", "warning", "a number written as a word", numbers.number_word),
        Rule("LS-ROMAN", "warning", "a Roman numeral", numbers.roman_numeral),
        Rule("LS-DATE-NUMERIC", "warning", "a date in digits only", numbers.numeric_date),
        Rule("LS-COMPOUND-UNSPLIT", "warning", "a long compound without a Mediopunkt",
             compounds.compound, {"min_letters": 12, "separator": "·"}),
        Rule("LS-MEDIOPUNKT-FORM", "error", "a wrong Mediopunkt glyph or split",
             compounds.mediopunkt),
        Rule("LS-FOREIGN", "warning", "an English word not generally known",
             foreign.foreign_word, dict(_WORD_LISTS)),
        Rule("LS-SPECIAL-CHAR", "error", "a special character or gender mark",
             chars.special_character),
        Rule("LS-BRACKETS", "error", "brackets", chars.brackets),
        Rule("LS-QUOTES", "warning", "quotation marks", chars.quotation_marks),
        Rule("LS-TENSE", "warning", "the Präteritum or Futur I", verbs.tense),
        Rule("LS-IMPERSONAL", "warning", 'the impersonal "man"', verbs.impersonal),
        Rule("LS-CROSSREF", "warning", "a reference to another place", words.cross_reference),
    )
}  # fmt: skip
