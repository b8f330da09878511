"""Quality checks of one translated segment against its German, for reviewers.

Each check is a small function that yields findings (text for the reviewer): tags that
differ from the German, numbers that differ, end punctuation that differs (Arabic ؟ and ،
count as ? and ,). The terminology post-check is pipeline/terms.py's SegmentChecker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pipeline.segments import same_markup
from pipeline.terms import SegmentChecker, plain

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Punctuation that ends a segment, with the Arabic and other scripts' forms mapped to one.
_END = {"?": "?", "؟": "?", "!": "!", ".": ".", "。": ".", "۔": ".", ":": ":", ",": ",", "،": ","}
_END |= {";": ";", "؛": ";"}
_CLOSERS = "\"'”“»«)]’‘›‹"


def markup(german: str, translation: str) -> Iterator[str]:
    """Yield a finding if the translation's tags differ from the German's."""
    if not same_markup(german, translation):
        yield "the tags differ from the German: keep each tag of the German exactly once"


def numbers(german: str, translation: str) -> Iterator[str]:
    """Yield a finding for each number of the German missing in the translation, or added."""
    source = Counter(_digits(n) for n in _NUMBER.findall(plain(german)))
    target = Counter(_digits(n) for n in _NUMBER.findall(_western(plain(translation))))
    for number in sorted((source - target).elements()):
        yield f"the number {number} of the German is missing"
    for number in sorted((target - source).elements()):
        yield f"the number {number} is not in the German"


def end_punctuation(german: str, translation: str) -> Iterator[str]:
    """Yield a finding if the segment ends in other punctuation than the German."""
    source, target = _end(plain(german)), _end(plain(translation))
    if source != target:
        shown = {"": "none"}
        yield (
            f"the German ends with {shown.get(source, repr(source))}, the translation with "
            f"{shown.get(target, repr(target))}"
        )


def findings(german: str, translation: str, terms: SegmentChecker | None) -> list[str]:
    """Return every finding for one translated segment, terminology first."""
    if not translation:
        return []
    found = [f.message for f in terms.check(german, translation)] if terms else []
    for check in (markup, numbers, end_punctuation):
        found += check(german, translation)
    return found


def _end(text: str) -> str:
    stripped = text.rstrip().rstrip(_CLOSERS).rstrip()
    return _END.get(stripped[-1:], "") if stripped else ""


def _digits(number: str) -> str:
    return re.sub(r"[.,]", "", number)


def _western(text: str) -> str:
    # Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits count as the same numbers.
    return text.translate(
        {0x660 + i: str(i) for i in range(10)} | {0x6F0 + i: str(i) for i in range(10)}
    )
