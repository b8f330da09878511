"""Rules about characters: special characters and gender marks, brackets, quotation marks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.easy.messages import _
from pipeline.easy.rules.base import Hit, Options, quoted
from pipeline.easy.text import Sentence

# What to write instead of a special character, where there is a word for it.
SPECIAL = {
    "&": "und", "§": "Paragraf", "/": "oder", "\\": "", "*": "", ";": "", "+": "plus",
    "#": "", "~": "ungefähr", "|": "", "…": "", "@": "", "=": "ist", "<": "weniger als",
    ">": "mehr als", "^": "", "$": "Dollar", "€": "Euro", "£": "Pfund", "°": "Grad",
    "¶": "", "†": "", "‡": "", "‰": "Promille", "©": "", "®": "", "™": "", "→": "",
    "←": "", "⇒": "", "_": "",
}  # fmt: skip
_SPECIAL = re.compile(r"\.\.\.|[" + re.escape("".join(SPECIAL)) + "]")
# Gender marks inside words: Bürger*innen, Bürger:innen, Bürger_innen, Bürger/innen.
_GENDER = re.compile(r"(?<=[a-zäöüß])[*:_/](?=-?in(?:nen)?\b)")
_LINK = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_OPENING = "([{⟨〈"
_CLOSING = {")": "(", "]": "[", "}": "{", "⟩": "⟨", "〉": "〈"}
_QUOTES = "\"„“”‚‘’«»‹›'"


def special_character(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A special character (& § / * ; + # ~ | …) or a gender mark inside a word."""
    text = sentence.line[: sentence.end]
    links = [m.span() for m in _LINK.finditer(text, sentence.start)]
    for match in _GENDER.finditer(text, sentence.start):
        if not any(start <= match.start() < end for start, end in links):
            yield Hit(
                match.start(),
                _("gender mark {mark} inside a word", mark=quoted(match.group())),
                _('write both forms: "Bürgerinnen und Bürger"'),
            )
    genders = {m.start() for m in _GENDER.finditer(text, sentence.start)}
    for match in _SPECIAL.finditer(text, sentence.start):
        if match.start() in genders or any(s <= match.start() < e for s, e in links):
            continue
        char = match.group()
        word = SPECIAL.get(char, "")
        if char == "/" and text[match.start() - 1 : match.start()].isdigit():
            word = ""  # "24/12/2026", "2017/2018": no "oder"
        yield Hit(
            match.start(),
            _("special character {char}", char=quoted(char)),
            _("write {word}", word=quoted(word))
            if word
            else _("leave it out, or write it as a word"),
        )


def brackets(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """Brackets of any kind: ( ) [ ] { }."""
    text = sentence.line[: sentence.end]
    open_brackets: list[str] = []
    for offset in range(sentence.start, sentence.end):
        char = text[offset]
        if char in _OPENING:
            open_brackets.append(char)
            yield _bracket_hit(offset, char)
        elif char in _CLOSING:
            if open_brackets and open_brackets[-1] == _CLOSING[char]:
                open_brackets.pop()
            else:
                yield _bracket_hit(offset, char)


def _bracket_hit(offset: int, char: str) -> Hit:
    return Hit(
        offset,
        f"bracket {quoted(char)}",
        "write what is in brackets as a sentence of its own",
    )


def quotation_marks(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """Quotation marks of any kind, one finding per quotation; apostrophes are none."""
    text = sentence.line[: sentence.end]
    for offset in range(sentence.start, sentence.end):
        char = text[offset]
        before = text[offset - 1] if offset else " "
        after = text[offset + 1] if offset + 1 < len(text) else " "
        # An opening mark stands before a word; a closing mark or an apostrophe
        # (geht's, Klaus', '90er) after one, or before a digit.
        opening = (before.isspace() or before in "([{–—/") and not after.isspace()
        if char in _QUOTES and opening and not (char in "'’" and after.isdigit()):
            yield Hit(
                offset,
                _("quotation mark {char}", char=quoted(char)),
                _("leave them out; for what someone says, write: Frau Kaya sagt: Ich helfe."),
            )
