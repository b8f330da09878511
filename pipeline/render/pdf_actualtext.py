"""Make right-to-left text in WeasyPrint's PDFs extract as the words it shows.

WeasyPrint draws a right-to-left line's glyphs left to right, in visual order,
as PDF producers commonly do, and text extractors such as pdftotext reverse each
right-to-left run to get logical order back. Three things still come back wrong
in Arabic:

* /ToUnicode maps a glyph to the text of the first cluster it was drawn in, so a
  letter once drawn with a vowel mark keeps that mark everywhere, and the mark
  itself maps to nothing;
* a ligature (lam-alef) maps to its letters in logical order, which the
  extractor's reversal of the run turns around;
* a vowel mark sits above or below its letter, so the extractor breaks the word
  at the mark and moves the mark to another letter.

So each glyph of a shipped right-to-left font gets the characters the font
itself says it shows (cmap and GSUB), a ligature's characters in drawing
order, and each right-to-left word with a mark is wrapped in a /Span with
/ActualText. Glyph positions are kept exactly; the page looks the same.

/ActualText is the replacement text of what the span draws (ISO 32000-1,
14.9.4): Unicode text, so in logical order, which is what assistive technology
reads aloud. The ToUnicode maps, by contrast, describe single glyphs, which
extractors order themselves. What the readers do with it:

* a screen reader reading a tagged PDF (through Acrobat's or the platform's
  accessibility interface) takes /ActualText as the word: in logical order it
  reads "المحدَّثة", where drawing order gave "ةثَّدحملا";
* pdftotext (poppler) puts an ActualText where the span's glyphs are and then
  reverses the whole right-to-left run as if all of it were in drawing order,
  so exactly these words (those with vowel marks) come out reversed; every
  other word still comes out whole (tests/test_arabic_pdf.py shows both).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import cast

import pikepdf

from pipeline.render.glyph_text import (
    PdfFont,
    describe_pdf_font,
    to_unicode_cmap,
)
from pipeline.render.pdf_text import document_fonts, form_xobjects, object_key

LOG = logging.getLogger(__name__)

# Spacing operators would change where glyphs land; WeasyPrint does not write them.
_SPACING = frozenset({"Tc", "Tw", "Tz", "TL", "Td", "TD", "T*", "'", '"'})


def fix_right_to_left_text(pdf: pikepdf.Pdf) -> None:
    """Give the glyphs and marked words of right-to-left text their characters in drawing order."""
    fonts: dict[object, PdfFont | None] = {}
    for font in document_fonts(pdf):
        fonts[object_key(font)] = described = describe_pdf_font(font)
        if described is not None and described.letters is not None:
            font.ToUnicode = pdf.make_stream(to_unicode_cmap(described.letters))
    if not any(font is not None and font.letters is not None for font in fonts.values()):
        return
    for page in pdf.pages:
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        data = _rewrite(page.obj, resources, fonts)
        if data is not None:
            page.obj.Contents = pdf.make_stream(data)
            LOG.debug("page %d: right-to-left words with marks given /ActualText", page.index)
        for xobject in form_xobjects(resources):
            data = _rewrite(xobject, xobject.get("/Resources", resources), fonts)
            if data is not None:
                xobject.write(data)


# Content streams --------------------------------------------------------------


@dataclass
class _Glyph:
    """One glyph drawn in a text object, where and how."""

    font: pikepdf.Object  # font resource name
    size: pikepdf.Object
    rise: pikepdf.Object
    x: float  # pen position along the baseline, in text space units
    code: int


@dataclass
class _Open:
    """The start of a word's /Span with its /ActualText."""

    text: str


class _Close:
    """The end of a word's /Span."""


_Item = _Glyph | _Open | _Close | pikepdf.ContentStreamInstruction  # instruction: Tm


@dataclass
class _TextState:
    """Font, size and rise: text state that outlives a text object."""

    font: pikepdf.Object = field(default_factory=lambda: pikepdf.Name.Unset)
    size: pikepdf.Object = field(default_factory=lambda: pikepdf.Object.parse(b"0"))
    rise: pikepdf.Object = field(default_factory=lambda: pikepdf.Object.parse(b"0"))


def _rewrite(
    stream: pikepdf.Object, resources: pikepdf.Object, fonts: dict[object, PdfFont | None]
) -> bytes | None:
    """Return the stream with marked right-to-left words wrapped, or None if unchanged."""
    names = {
        str(name): described
        for name, font in resources.get("/Font", pikepdf.Dictionary()).items()
        if (described := fonts.get(object_key(font))) is not None
    }
    instructions = list(pikepdf.parse_content_stream(stream))
    operators = [str(getattr(i, "operator", "")) for i in instructions]
    if not any(f.letters is not None for f in names.values()) or _SPACING & set(operators):
        return None
    output: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    state, start, changed = _TextState(), -1, False
    for index, operator in enumerate(operators):
        if operator == "BT":
            start = index
        elif operator == "ET" and start >= 0:
            # Inline images cannot occur inside a text object.
            block = cast(list[pikepdf.ContentStreamInstruction], instructions[start + 1 : index])
            rewritten = _rewrite_text_object(block, names, state)
            output += [instructions[start], *(rewritten or block), instructions[index]]
            changed, start = changed or rewritten is not None, -1
        elif start < 0:
            output.append(instructions[index])
    return pikepdf.unparse_content_stream(output) if changed and start < 0 else None


def _rewrite_text_object(
    block: list[pikepdf.ContentStreamInstruction], fonts: dict[str, PdfFont], state: _TextState
) -> list[pikepdf.ContentStreamInstruction] | None:
    """Wrap the words with marks of one text object, or return None to keep it."""
    before = _TextState(state.font, state.size, state.rise)
    items = _parse(block, fonts, state)
    if items is None:
        return None
    words = [word for word in _words(items, fonts) if any(_mark(g, fonts) for g in word)]
    if not words:
        return None
    return _emit(_with_spans(items, words, fonts), fonts, before, state)


def _parse(
    block: list[pikepdf.ContentStreamInstruction], fonts: dict[str, PdfFont], state: _TextState
) -> list[_Item] | None:
    """List the glyphs a text object draws and where; None if it does more than that."""
    items: list[_Item] = []
    pen, supported = 0.0, True
    for instruction in block:
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator == "Tf":
            state.font, state.size = operands
        elif operator == "Ts":
            state.rise = operands[0]
        elif operator == "Tm":
            items.append(instruction)
            pen = 0.0
        elif operator in ("TJ", "Tj") and str(state.font) in fonts:
            parts = list(operands[0]) if operator == "TJ" else [operands[0]]
            pen = _show(parts, fonts[str(state.font)], state, pen, items)
        else:
            supported = False  # keep the state current for the text objects after it
    return items if supported else None


def _show(
    parts: list[pikepdf.Object], font: PdfFont, state: _TextState, pen: float, items: list[_Item]
) -> float:
    """Add the glyphs of one TJ array; return the pen position after them."""
    size = float(state.size)
    for part in parts:
        if not isinstance(part, pikepdf.String):
            pen -= float(part) * size / 1000
            continue
        data = bytes(part)
        for index in range(0, len(data) - 1, 2):
            code = int.from_bytes(data[index : index + 2], "big")
            items.append(_Glyph(state.font, state.size, state.rise, pen, code))
            pen += font.width(code) * size / 1000
    return pen


def _mark(glyph: _Glyph, fonts: dict[str, PdfFont]) -> bool:
    return fonts[str(glyph.font)].is_mark(glyph.code)


def _words(items: list[_Item], fonts: dict[str, PdfFont]) -> list[list[_Glyph]]:
    """Split the glyphs into right-to-left words: runs of one shipped font between spaces."""
    words: list[list[_Glyph]] = [[]]
    for item in items:
        if not (isinstance(item, _Glyph) and fonts[str(item.font)].in_word(item.code)):
            words.append([])
            continue
        last = words[-1][-1] if words[-1] else None
        if last is not None and (last.font, float(last.size)) != (item.font, float(item.size)):
            words.append([])
        words[-1].append(item)
    return [word for word in words if word]


def _with_spans(
    items: list[_Item], words: list[list[_Glyph]], fonts: dict[str, PdfFont]
) -> list[_Item]:
    """Put each word in a span whose text is the word's characters in drawing order."""
    starts = {id(word[0]): word for word in words}
    inside = {id(glyph) for word in words for glyph in word}
    result: list[_Item] = []
    for item in items:
        word = starts.get(id(item))
        if word is not None:
            text = _word_text(word, fonts[str(word[0].font)])
            result += [_Open(text), *_letter_first(word, fonts), _Close()]
        elif id(item) not in inside:
            result.append(item)
    return result


def _word_text(word: list[_Glyph], font: PdfFont) -> str:
    """Return a word's characters in logical order, each mark after the letter it sits on.

    /ActualText is the text the glyphs stand for (ISO 32000-1, 14.9.4): Unicode text, which
    is in logical order, as a screen reader reads it aloud.
    """
    clusters: list[tuple[_Glyph, list[_Glyph]]] = []
    marks: list[_Glyph] = []
    for glyph in word:  # a letter's marks are drawn just before it
        if font.is_mark(glyph.code):
            marks.append(glyph)
        else:
            clusters.append((glyph, marks))
            marks = []
    if marks and clusters:
        clusters[-1][1].extend(marks)
    elif marks:
        return "".join((font.letters or {}).get(m.code, "") for m in reversed(marks))
    # Drawn left to right: the last cluster drawn is the first one read.
    return "".join(_cluster_text(letter, marks, font) for letter, marks in reversed(clusters))


def _cluster_text(letter: _Glyph, marks: list[_Glyph], font: PdfFont) -> str:
    """Return a letter and its marks in logical order.

    A ligature's marks go after the letter of the ligature they are drawn over:
    lam-alef with fathatan is either "لًا" or "لاً".
    """
    letters = font.letters or {}
    parts = list(letters.get(letter.code, ""))
    if not parts:
        return "".join(letters.get(mark.code, "") for mark in reversed(marks))
    size = float(letter.size)
    width = font.width(letter.code) * size / 1000
    slots: list[list[str]] = [[] for _ in parts]
    for mark in reversed(marks):
        center = mark.x + font.centers.get(mark.code, 0.0) * size / 1000
        drawn = int((center - letter.x) / width * len(parts)) if width > 0 else 0
        slots[len(parts) - 1 - min(max(drawn, 0), len(parts) - 1)].append(letters[mark.code])
    return "".join(part + "".join(slot) for part, slot in zip(parts, slots, strict=True))


def _letter_first(word: list[_Glyph], fonts: dict[str, PdfFont]) -> list[_Glyph]:
    """Draw a word that starts with marks from its first letter on.

    pdftotext puts a span's text on the baseline of the span's first glyph, and
    a mark is drawn raised or lowered.
    """
    lead = next((i for i, glyph in enumerate(word) if not _mark(glyph, fonts)), 0)
    return [word[lead], *word[:lead], *word[lead + 1 :]]


def _emit(
    items: list[_Item], fonts: dict[str, PdfFont], before: _TextState, after: _TextState
) -> list[pikepdf.ContentStreamInstruction]:
    """Draw the items again, each glyph where it was, and end in the same text state."""
    writer = _Writer(fonts, _TextState(before.font, before.size, before.rise))
    for item in items:
        if isinstance(item, _Glyph):
            writer.draw(item)
        elif isinstance(item, _Open):
            properties = pikepdf.Dictionary(ActualText=pikepdf.String(item.text))
            writer.add("BDC", pikepdf.Name.Span, properties)
        elif isinstance(item, _Close):
            writer.add("EMC")
        else:
            writer.add(str(item.operator), *item.operands)
            writer.pen = 0.0
    writer.set_state(after.font, after.size, after.rise)
    writer.flush()
    return writer.out


@dataclass
class _Writer:
    """Writes glyphs as TJ arrays, positioning each one explicitly."""

    fonts: dict[str, PdfFont]
    state: _TextState
    pen: float = 0.0
    out: list[pikepdf.ContentStreamInstruction] = field(default_factory=list)
    shown: list[pikepdf.Object | float] = field(default_factory=list)

    def flush(self) -> None:
        if self.shown:
            self.out.append(_op("TJ", pikepdf.Array(self.shown)))
            self.shown = []

    def add(self, operator: str, *operands: pikepdf.Object | float) -> None:
        self.flush()
        self.out.append(_op(operator, *operands))

    def set_state(self, font: pikepdf.Object, size: pikepdf.Object, rise: pikepdf.Object) -> None:
        if (font, float(size)) != (self.state.font, float(self.state.size)):
            self.add("Tf", font, size)
        if float(rise) != float(self.state.rise):
            self.add("Ts", rise)
        self.state = _TextState(font, size, rise)

    def draw(self, glyph: _Glyph) -> None:
        self.set_state(glyph.font, glyph.size, glyph.rise)
        size = float(glyph.size)
        # A TJ number moves the pen left by number/1000 of the font size.
        adjust = round((self.pen - glyph.x) * 1000 / size, 4)
        if adjust:
            self.shown.append(adjust)
            self.pen -= adjust * size / 1000
        self.shown.append(pikepdf.String(glyph.code.to_bytes(2, "big")))
        self.pen += self.fonts[str(glyph.font)].width(glyph.code) * size / 1000


def _op(operator: str, *operands: pikepdf.Object | float) -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction(list(operands), pikepdf.Operator(operator))
