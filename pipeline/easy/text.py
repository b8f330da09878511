"""Lines of text as the rules see them: Markdown masked, sentences split, words tagged.

Masking replaces Markdown syntax with spaces, so every offset in a masked line is the
offset in the line as written and findings can name the column the writer sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.easy import language

MEDIOPUNKT = "\u00b7"
# Glyphs that look like a Mediopunkt but are read out differently (or not at all).
WRONG_DOTS = "\u2219\u2022\u22c5\u2027\u0387\u30fb\uff65\u2e31\u16eb\u02d1"

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_SKIPPED_LINE = re.compile(
    r"^\s{0,3}(?:(?:[-*_]\s*){3,}|=+|:{3,}.*|\[[^\]]+\]:\s.*|\|?\s*:?-{3,}:?\s*(?:\|\s*:?-+:?\s*)*\|?)\s*$"
)
_LINE_START = re.compile(
    r"(?P<lead>\s*(?:>\s?)*\s*)"
    r"(?P<marker>#{1,6}(?=\s|$)|(?:[-*+]|\d{1,9}[.)]|[a-zA-Z][.)]|#\.)(?=\s)(?:\s+\[[ xX]\])?|\|)?"
)
_INLINE = re.compile(
    r"(?P<code>`+)[^`]*?(?P=code)"  # inline code: not prose
    r"|<!--.*?-->|<[A-Za-z/][^<>]*>"  # comments, HTML tags, autolinks
    r"|(?P<close>\]\([^()\s]*(?:\([^()]*\))?[^()]*\)|\]\[[^\]]*\])"  # ](url "title") or ][ref]
    r"|\[\^[^\]]+\]:?"  # footnote references and labels
    r"|(?P<open>!?\[)(?=[^\]]*\](?:\(|\[|\{))"  # [ or ![ of a link, image or span
    r"|\]\{[^}]*\}|\{[#.][^}]*\}"  # pandoc attributes
    r"|\\(?=[^\sA-Za-z0-9])|\\$|  +$"  # backslash escapes and hard line breaks
    r"|(?<![\w*])\*{1,3}(?=\S)|(?<=\S)\*{1,3}(?![\w*])"  # emphasis with *
    r"|(?<![\w_])_{1,3}(?=\S)|(?<=\S)_{1,3}(?![\w_])|~~"  # emphasis with _, strikeout
    r"|\s\|\s|\s\|$"  # table cell borders
)
_HEADING_END = re.compile(r"\s+#+\s*$")


@dataclass(frozen=True)
class Token:
    """A word or a punctuation mark of a sentence, with its part of speech."""

    text: str  # as written: a word without the punctuation around it, or one mark
    start: int  # offset in the line
    tag: str  # HanTa's part of speech, e.g. "VV(FIN)", "NN", "$," for a comma
    lemma: str

    @property
    def lower(self) -> str:
        """Return the text in lower case."""
        return self.text.lower()

    @property
    def end(self) -> int:
        """Return the offset just after the token."""
        return self.start + len(self.text)

    @property
    def is_word(self) -> bool:
        """Tell whether the token holds a letter or a digit."""
        return any(char.isalnum() for char in self.text)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a line: its span in the masked line, and its tokens."""

    line: str  # the whole masked line; offsets below index it
    start: int
    end: int
    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        """Return the sentence's own text."""
        return self.line[self.start : self.end]

    @property
    def words(self) -> list[Token]:
        """Return the tokens that hold a letter or a digit."""
        return [token for token in self.tokens if token.is_word]

    def clauses(self) -> list[list[Token]]:
        """Split the tokens at commas, semicolons, colons and dashes."""
        parts: list[list[Token]] = [[]]
        for token in self.tokens:
            if token.text in {",", ";", ":", "–", "—"}:
                parts.append([])
            else:
                parts[-1].append(token)
        return [part for part in parts if part]


def mask_markdown(lines: list[str]) -> list[str]:
    """Return the lines with Markdown syntax blanked out; offsets stay where they were."""
    masked: list[str] = []
    fence = ""
    comment = False
    front_matter = bool(lines) and lines[0].strip() == "---"
    for number, line in enumerate(lines):
        blank = " " * len(line)
        if front_matter:
            masked.append(blank)
            front_matter = number == 0 or line.strip() not in {"---", "..."}
            continue
        opening = _FENCE.match(line)
        if fence or opening:
            if opening and (not fence or opening.group(1)[0] == fence[0]):
                fence = "" if fence else opening.group(1)
            masked.append(blank)
            continue
        if comment or line.lstrip().startswith("<!--"):
            comment = "-->" not in line
            masked.append(blank)
            continue
        masked.append(blank if _SKIPPED_LINE.match(line) else _mask_line(line))
    return masked


def _mask_line(line: str) -> str:
    chars = list(line)
    position = 0
    while (start := _LINE_START.match(line, position)) and start.end() > position:
        # "> - ## Text": a quote, a list item and a heading may nest.
        _blank(chars, start.start(), start.end())
        if (start.group("marker") or "").startswith("#") and (end := _HEADING_END.search(line)):
            _blank(chars, end.start(), end.end())
        position = start.end()
    for match in _INLINE.finditer(line):
        _blank(chars, match.start(), match.end())
    return "".join(chars)


def _blank(chars: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        chars[index] = " "


# Abbreviations whose period does not end a sentence.
_NO_STOP = re.compile(
    r"(?:\b(?:[A-Za-zÄÖÜäöü]|ca|bzw|usw|vgl|etc|ggf|evtl|inkl|zzgl|bspw|sog|Nr|Str|Tel|Dr|"
    r"Prof|Abs|Art|Abb|Kap|bzgl|Hr|Fr|St|Mo|Di|Mi|Do|Sa|So|Jan|Feb|Apr|Jun|Jul|Aug|Sep|Sept|"
    r"Okt|Nov|Dez|max|min|geb|ehem|Mio|Mrd)|\d)\.$"
)


def split_sentences(line: str) -> list[tuple[int, int]]:
    """Return the spans of the sentences in a masked line."""
    spans = []
    start = None
    for match in re.finditer(r"\S+", line):
        if start is None:
            start = match.start()
        word = match.group().rstrip("\"'»«“”‘’)]")
        if re.search(r"[.!?]$", word) and not _NO_STOP.search(word):
            following = line[match.end() :].lstrip()
            if not following or following[0].isupper() or following[0] in "\"'„“»«‚(":
                spans.append((start, match.end()))
                start = None
    if start is not None:
        spans.append((start, len(line.rstrip())))
    return spans


_EDGE = "\"'„“”‚‘’«»‹›()[]{}⟨⟩〈〉.,;:!?…"


def _pieces(text: str, offset: int, last: bool) -> Iterator[tuple[str, int]]:
    """Split a whitespace-separated chunk into leading marks, the word and trailing marks."""
    core_start, core_end = 0, len(text)
    while core_start < core_end and text[core_start] in _EDGE:
        core_start += 1
    while core_end > core_start and text[core_end - 1] in _EDGE:
        core_end -= 1
    if not last and core_end < len(text) and _NO_STOP.search(text[: core_end + 1]):
        core_end += 1  # "z." "ca." "1." keep their period: it does not end the sentence
    for index in range(core_start):
        yield text[index], offset + index
    if core_start < core_end:
        yield text[core_start:core_end], offset + core_start
    for index in range(core_end, len(text)):
        yield text[index], offset + index


def tokenize(line: str, start: int, end: int) -> Sentence:
    """Tokenize and tag one sentence of a masked line."""
    chunks = list(re.finditer(r"\S+", line[start:end]))
    pieces = [
        piece
        for number, match in enumerate(chunks, start=1)
        for piece in _pieces(match.group(), start + match.start(), number == len(chunks))
    ]
    tags = language.tag([_for_tagger(text) for text, _ in pieces])
    tokens = tuple(
        Token(text, offset, tag, lemma)
        for (text, offset), (lemma, tag) in zip(pieces, tags, strict=True)
    )
    return Sentence(line, start, end, tokens)


def _for_tagger(text: str) -> str:
    # The tagger knows Integrationskonzept and Bürgerinnen, not Integrations·konzept or
    # Bürger*innen: join the parts for it.
    joined = re.sub(rf"(?<=\w)[{MEDIOPUNKT}{WRONG_DOTS}*:_](?=\w)", "", text)
    if re.fullmatch(r"[-–]\w+", joined):
        # "Integrationspolitik und -arbeit": the second part of a noun, not a verb.
        joined = joined[1:].capitalize()
    return joined or text


def sentences(line: str) -> list[Sentence]:
    """Split a masked line into tagged sentences."""
    return [tokenize(line, start, end) for start, end in split_sentences(line)]
