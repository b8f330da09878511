"""Our own check where no third-party checker has a rule: every text is marked with its language.

axe-core checks that a page has a valid `lang`, not that its parts have the right one. A
screen reader reads an unmarked English fallback string ("Contents") on a Persian page
with a Persian voice. This check walks the page's DOM and finds each text whose letters
are in a script that the language it is marked with is not written in: Latin letters
marked Persian, Arabic letters marked German. Acronyms inside a sentence ("PDF/UA-1" in
Arabic) are part of that sentence and pass.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.core import get_global

from pipeline.checks import Finding

RULE = "language-of-parts"
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# A <title> cannot mark its parts; a fallback title there is read as the page's language.
# Code, keyboard input and sample output are written as they are typed, in any language.
_HIDDEN = {"script", "style", "template", "title", "code", "kbd", "samp", "pre"}
_MIN_LETTERS = 3  # shorter words ("kB", "de") say little about a text's language
_WORD = re.compile(r"[^\W_]+")
_ADDRESS = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:de|com|org|net|eu)\b")
_SCRIPTS = {
    "Arab": "ARABIC",
    "Cyrl": "CYRILLIC",
    "Latn": "LATIN",
    "Grek": "GREEK",
    "Hebr": "HEBREW",
}


def check_languages(path: Path) -> list[Finding]:
    """Return a finding for each text marked with a language its script does not fit."""
    parser = _Walker()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    findings = []
    for line, lang, text in parser.texts:
        if problem := mismatch(text, lang):
            findings.append(Finding(str(path), "languages", RULE, "error", problem, line))
    return findings


def mismatch(text: str, lang: str) -> str:
    """Say how a text does not fit the language it is marked with, or return ""."""
    script = _script_of(text)
    expected = language_script(lang)
    if not script or not expected or script == expected:
        return ""
    return (
        f"the text {text.strip()[:60]!r} is in {script.title()} script but "
        f'marked lang="{lang}"; mark it with its own language'
    )


@cache
def language_script(lang: str) -> str:
    """Return the Unicode script name a language is written in (CLDR's likely subtags)."""
    subtags = lang.replace("_", "-").split("-")
    written = next((t.title() for t in subtags[1:] if len(t) == 4 and t.isalpha()), "")
    if written:  # sr-Latn, az-Arab: the tag says its script
        return _SCRIPTS.get(written, "")
    likely = get_global("likely_subtags").get(subtags[0].lower(), "")
    parts = likely.split("_")
    code = parts[1] if len(parts) > 2 else ""
    return _SCRIPTS.get(code, "")


def _script_of(text: str) -> str:
    """Return the script most of a text's letters are in, if it has enough of them.

    Acronyms and codes ("PDF", "PDF/UA-1", "kB") are the same in every language.
    """
    counts: dict[str, int] = {}
    for word in _WORD.findall(_ADDRESS.sub(" ", text)):
        if word.isupper() or len(word) < _MIN_LETTERS or any(c.isdigit() for c in word):
            continue
        for char in word:
            name = unicodedata.name(char, "").split(" ")[0]
            counts[name] = counts.get(name, 0) + 1
    if sum(counts.values()) < _MIN_LETTERS:
        return ""
    script, count = max(counts.items(), key=lambda item: item[1])
    return script if script in _SCRIPTS.values() and count * 2 > sum(counts.values()) else ""


class _Walker(HTMLParser):
    """Collect each run of text with the language of the element it is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, lang)
        self.hidden = 0
        self.texts: list[tuple[int, str, str]] = []  # (line, lang, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        values = dict(attrs)
        lang = values.get("lang") or (self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, lang or ""))
        if tag in _HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # Pop to the matching element; HTML allows some end tags to be left out.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                for closed, _ in self.stack[index:]:
                    if closed in _HIDDEN:
                        self.hidden -= 1
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.hidden or not data.strip() or not self.stack:
            return
        self.texts.append((self.getpos()[0], self.stack[-1][1], data))
