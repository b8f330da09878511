"""The text each glyph of a shipped font stands for, read from the font itself.

A shaped Arabic word is drawn with contextual forms, ligatures and marks, not
with the glyphs the font's cmap maps characters to. Following the font's GSUB
substitutions back from the cmap gives every such glyph its characters: a final
form its letter, lam-alef its two letters, a stacked shadda-fatha both marks.
A PDF font that WeasyPrint made from a shipped font file is described with them.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont

from pipeline.render.html import FONTS
from pipeline.render.pdf_text import parse_to_unicode

# Arabic Presentation Forms stand for the letters they are forms of (NFKC).
_PRESENTATION_FORMS = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_RIGHT_TO_LEFT = ("R", "AL")
_CMAP_HEAD = (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
)
_CMAP_TAIL = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


@dataclass(frozen=True)
class PdfFont:
    """The advances of a Type0 font's glyphs; for a shipped right-to-left font, their text."""

    widths: dict[int, float]  # character code -> advance in 1/1000 text space units
    default_width: float
    # Each glyph's characters in logical order, and the centre of its outline
    # (1/1000 text space units from its origin); None for other fonts.
    letters: dict[int, str] | None = None
    centers: dict[int, float] = field(default_factory=dict)

    def width(self, code: int) -> float:
        """Return a glyph's advance in 1/1000 text space units."""
        return self.widths.get(code, self.default_width)

    def is_mark(self, code: int) -> bool:
        """Tell whether a glyph is a vowel or other combining mark."""
        text = (self.letters or {}).get(code, "")
        return bool(text) and all(unicodedata.category(c) == "Mn" for c in text)

    def in_word(self, code: int) -> bool:
        """Tell whether a glyph belongs to a right-to-left word (a shipped font, not a space)."""
        return self.letters is not None and not self.letters.get(code, " ").isspace()


def describe_pdf_font(font: pikepdf.Object) -> PdfFont | None:
    """Describe a Type0 font, a shipped right-to-left one with its glyphs' characters."""
    if font.get("/Subtype") != "/Type0":
        return None
    cid_font = font.DescendantFonts[0]
    widths = _pdf_widths(cid_font.get("/W", pikepdf.Array()))
    default = float(cid_font.get("/DW", 1000))
    family = str(cid_font.get("/FontDescriptor", pikepdf.Dictionary()).get("/FontFamily", ""))
    path = shipped_font(family, tuple(sorted((gid, round(w)) for gid, w in widths.items())))
    identity = cid_font.get("/CIDToGIDMap", pikepdf.Name.Identity) == "/Identity"
    if path is None or not identity or not isinstance(font.get("/ToUnicode"), pikepdf.Stream):
        return PdfFont(widths, default)
    derived = glyph_texts(path)
    current = parse_to_unicode(font.ToUnicode.read_bytes())
    letters = {code: derived.get(code, text) for code, text in current.items()}
    if not any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in "".join(letters.values())):
        return PdfFont(widths, default)
    return PdfFont(widths, default, letters, glyph_centers(path))


def drawing_order(text: str) -> str:
    """Return a right-to-left glyph's characters in the order its run is drawn."""
    if len(text) > 1 and all(
        unicodedata.bidirectional(c) in (*_RIGHT_TO_LEFT, "NSM") for c in text
    ):
        return text[::-1]
    return text


def to_unicode_cmap(letters: dict[int, str]) -> bytes:
    """Write a ToUnicode CMap that gives each glyph its characters in drawing order."""
    entries = [
        f"<{code:04x}> <{drawing_order(text).encode('utf-16-be').hex()}>"
        for code, text in letters.items()
    ]
    chunks = [entries[i : i + 100] for i in range(0, len(entries), 100)]
    body = "".join(f"{len(c)} beginbfchar\n" + "\n".join(c) + "\nendbfchar\n" for c in chunks)
    return (_CMAP_HEAD + body + _CMAP_TAIL).encode("ascii")


def _pdf_widths(array: pikepdf.Object) -> dict[int, float]:
    """Parse a CIDFont /W array: `c [w1 w2 …]` and `c_first c_last w` entries."""
    items = list(array)
    widths: dict[int, float] = {}
    index = 0
    while index < len(items) - 1:
        first, second = items[index], items[index + 1]
        if isinstance(second, pikepdf.Array):
            for offset, width in enumerate(second):
                widths[int(first) + offset] = float(width)
            index += 2
        else:
            for code in range(int(first), int(second) + 1):
                widths[code] = float(items[index + 2])
            index += 3
    return widths


@functools.cache
def shipped_font(family: str, advances: tuple[tuple[int, int], ...]) -> Path | None:
    """Find the shipped font file of a family whose glyph advances match (1/1000 em)."""
    # WeasyPrint gives a PDF font the CSS family as /FontFamily; the Arabic font files were
    # renamed to carry that family as their own name (name ID 1), so the two can be matched.
    candidates = [path for path in sorted(FONTS.glob("*.ttf")) if _family(path) == family]
    for path in candidates:
        widths = _advances(path)
        if all(abs(widths.get(gid, -9999) - width) <= 1 for gid, width in advances):
            return path
    return None


@functools.cache
def glyph_texts(path: Path) -> dict[int, str]:
    """Map glyph ids of a font file to the characters each glyph shows, in logical order."""
    font = TTFont(path, lazy=True)
    order = font.getGlyphOrder()
    texts: dict[str, str] = {}
    for code, name in sorted(font.getBestCmap().items()):
        texts.setdefault(name, _character(code))
    if "GSUB" in font:
        _follow_substitutions(font, texts)
    ids = {name: gid for gid, name in enumerate(order)}
    return {ids[name]: text for name, text in texts.items() if text}


def _character(code: int) -> str:
    text = chr(code)
    if any(low <= code <= high for low, high in _PRESENTATION_FORMS):
        # The isolated forms of marks decompose to a space and the mark.
        text = unicodedata.normalize("NFKC", text).replace(" ", "")
    return text


def _follow_substitutions(font: TTFont, texts: dict[str, str]) -> None:
    """Give each substituted glyph the text of the glyphs it replaces, until nothing changes."""
    subtables = list(_subtables(font))
    changed = True
    while changed:
        changed = False
        for kind, subtable in subtables:
            for target, sources in _substitutions(kind, subtable):
                if target in texts or not all(source in texts for source in sources):
                    continue
                texts[target] = "".join(texts[source] for source in sources)
                changed = True


def _subtables(font: TTFont) -> Iterator[tuple[int, Any]]:
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            if lookup.LookupType == 7:  # extension: the real subtable is inside
                yield subtable.ExtensionLookupType, subtable.ExtSubTable
            else:
                yield lookup.LookupType, subtable


def _substitutions(kind: int, subtable: Any) -> Iterator[tuple[str, list[str]]]:
    """Yield (output glyph, input glyphs) for single, alternate and ligature lookups."""
    if kind == 1:
        for source, target in subtable.mapping.items():
            yield target, [source]
    elif kind == 3:
        for source, targets in subtable.alternates.items():
            for target in targets:
                yield target, [source]
    elif kind == 4:
        for first, ligatures in subtable.ligatures.items():
            for ligature in ligatures:
                yield ligature.LigGlyph, [first, *ligature.Component]
    elif kind == 8:
        coverage = subtable.Coverage.glyphs
        for source, target in zip(coverage, subtable.Substitute, strict=False):
            yield target, [source]


@functools.cache
def _family(path: Path) -> str:
    name = TTFont(path, lazy=True)["name"].getDebugName(1)
    return name or ""


@functools.cache
def _advances(path: Path) -> dict[int, int]:
    font = TTFont(path, lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    return {gid: round(metrics[name][0] * scale) for gid, name in enumerate(font.getGlyphOrder())}


@functools.cache
def glyph_centers(path: Path) -> dict[int, float]:
    """Map glyph ids to the horizontal centre of their outline, in 1/1000 em from the origin."""
    font = TTFont(path, lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    glyphs = font["glyf"]
    centers = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        glyph = glyphs[name]
        if glyph.numberOfContours:
            centers[gid] = (glyph.xMin + glyph.xMax) / 2 * scale
    return centers
