"""The Arabic edition's PDF: the shipped Arabic font, right-aligned lines, text that extracts."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fontTools.ttLib import TTFont

from pipeline.build import BuildResult
from pipeline.catalogs import read_catalog
from pipeline.render.glyph_text import glyph_texts
from pipeline.render.html import FONTS

from .conftest import REPO

POINTS_PER_CM = 72 / 2.54
A4 = (595.276, 841.89)
# print.css: @page margin 2.2cm 2cm 2.5cm
RIGHT_EDGE = A4[0] - 2 * POINTS_PER_CM
BODY_TOP, BODY_BOTTOM = 2.2 * POINTS_PER_CM, A4[1] - 2.5 * POINTS_PER_CM
XHTML = "{http://www.w3.org/1999/xhtml}"


def _file(result: BuildResult, kind: str) -> Path:
    return next(a.path for a in result.artifacts if a.edition == "ar" and a.kind == kind)


def _pdftotext(path: Path, *options: str) -> str:
    command = ["pdftotext", *options, str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _words(text: str) -> list[str]:
    """Split text into words, leaving out punctuation, symbols and invisible format characters.

    pdftotext puts an Arabic line back into logical order with a simplified bidi
    algorithm that takes '.' and '،' for digits: punctuation next to a space comes
    back on the wrong side of it ("الزمن .تجدون"), and a bracket may turn round.
    Letters, vowel marks, ligatures and the order of the words come back exactly.
    """
    text = unicodedata.normalize("NFC", text)  # the canonical order of stacked marks
    kept = (
        "" if unicodedata.category(c) == "Cf" else " " if unicodedata.category(c)[0] in "PSZ" else c
        for c in text  # Cf: soft hyphens, pdftotext's bidi controls
    )
    return "".join(kept).split()


def _arabic(word: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("AL", "R") for c in word)


def _holds(printed: list[str], sentence: list[str]) -> bool:
    """Tell whether the printed words hold the sentence: its Arabic words in order, all nearby."""
    wanted, arabic = Counter(sentence), [w for w in sentence if _arabic(w)]
    for start in range(len(printed) - len(sentence) + 1):
        window = printed[start : start + len(sentence)]
        if Counter(window) == wanted and [w for w in window if _arabic(w)] == arabic:
            return True
    return False


def _body_sentences() -> list[str]:
    """Return the Arabic of every segment and glossary definition (not the title page's)."""
    catalog = read_catalog(REPO / "translations" / "ar.po", "ar")
    return [
        re.sub(r"<[^>]+>", "", str(m.string))
        for m in catalog
        if m.id and (not m.context or m.context.startswith("glossary:"))
    ]


@pytest.mark.parametrize("mode", [(), ("-layout",)], ids=["reading-order", "layout"])
def test_pdftotext_gives_back_every_arabic_sentence(
    project_build: BuildResult, mode: tuple[str, ...]
):
    pdf = _file(project_build, "pdf")
    printed = _as_read(_words(_without_running_lines(_pdftotext(pdf, *mode))), _actual_texts(pdf))
    sentences = _body_sentences()
    assert sentences
    missing = [s for s in sentences if not _holds(printed, _words(s))]
    assert not missing, missing


def _without_running_lines(text: str) -> str:
    """Drop each page's running header and page number, which interrupt a sentence that
    goes on to the next page (the title page has neither)."""
    pages = []
    for number, page in enumerate(text.split("\f")):
        lines = [line for line in page.splitlines() if line.strip()]
        pages.append("\n".join(lines[1:-1] if number > 0 else lines))
    return "\n".join(pages)


def _as_read(printed: list[str], actual: list[str]) -> list[str]:
    """Turn round the words that pdftotext turned round.

    A word with vowel marks is a span whose /ActualText holds the word in logical order
    (ISO 32000-1, 14.9.4), as screen readers read it. pdftotext (poppler) puts the
    ActualText where the glyphs were and then reverses the right-to-left run as if it were
    in drawing order, so these words come back reversed; all others come back whole.
    """
    spoken = {w for text in actual for w in _words(text)}
    turned = [unicodedata.normalize("NFC", w[::-1]) for w in printed]
    pairs = zip(printed, turned, strict=True)
    return [t if w not in spoken and t in spoken else w for w, t in pairs]


def _printed(result: BuildResult) -> str:
    """Return pdftotext's text of the Arabic PDF without the bidi controls it adds."""
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", _pdftotext(_file(result, "pdf")))


def test_numbers_and_names_in_arabic_text_come_back_whole(project_build: BuildResult):
    printed = _printed(project_build)
    for token in ("2017/2018", "553", "kB", "PDF", "ديتسنباخ"):
        assert token in printed, token
    assert "8102" not in printed and "355" not in printed


def test_a_latin_phrase_in_arabic_text_keeps_its_order(project_build: BuildResult):
    # WeasyPrint 70 orders inline boxes without bidi, so a glossary link around "PDF" would
    # show "553 :PDF"; Latin terms are not linked in right-to-left editions.
    assert "PDF: 553" in _printed(project_build)


def test_the_pdf_draws_arabic_with_the_shipped_arabic_font(project_build: BuildResult):
    listing = _pdffonts(_file(project_build, "pdf"))
    names = {row.split()[0].partition("+")[2]: row.split() for row in listing}
    assert {"Pipeline-Noto-Sans-Arabic", "Pipeline-Noto-Sans-Arabic-Bold"} <= names.keys()
    for name, row in names.items():
        assert name.startswith("Pipeline-"), row  # no fallback to a font of the machine
        assert (row[-5], row[-3]) == ("yes", "yes"), row  # embedded, with a ToUnicode map


def _pdffonts(path: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return listing.stdout.splitlines()[2:]


def test_arabic_lines_are_flush_right(project_build: BuildResult):
    page = ElementTree.fromstring(
        _pdftotext(_file(project_build, "pdf"), "-bbox-layout", "-f", "2", "-l", "2")
    )
    lines = []
    for line in page.iter(f"{XHTML}line"):
        text = " ".join(word.text or "" for word in line.iter(f"{XHTML}word"))
        box = {key: float(line.get(key, 0)) for key in ("xMin", "xMax", "yMin", "yMax")}
        if _arabic(text) and box["yMin"] > BODY_TOP and box["yMax"] < BODY_BOTTOM:
            lines.append((text, box))
    assert len(lines) > 10
    # Lines end at the right margin, list items at their indentation; the left is ragged.
    indents = {round(box["xMax"]) for text, box in lines if "•" in text}
    for text, box in lines:
        assert abs(box["xMax"] - RIGHT_EDGE) < 1 or round(box["xMax"]) in indents, text
    assert any(box["xMin"] > A4[0] / 2 and abs(box["xMax"] - RIGHT_EDGE) < 1 for _, box in lines)


def test_the_epub_embeds_the_arabic_font(project_build: BuildResult):
    with zipfile.ZipFile(_file(project_build, "epub")) as archive:
        fonts = {Path(n).name: archive.read(n) for n in archive.namelist() if n.endswith(".ttf")}
        css = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".css"))
    assert {"NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"} <= fonts.keys()
    assert "NotoSansArabic-Regular.ttf" in css
    cmap = TTFont(io.BytesIO(fonts["NotoSansArabic-Regular.ttf"])).getBestCmap()
    assert all(ord(c) in cmap for c in "مفهوم الاندماج" if c != " ")


def test_the_shipped_arabic_fonts_are_renamed_and_know_their_ligatures():
    for style in ("Regular", "Bold"):
        path = FONTS / f"NotoSansArabic-{style}.ttf"
        names = TTFont(path)["name"]
        assert names.getDebugName(1) == "Pipeline Noto Sans Arabic"
        assert names.getDebugName(6) == f"PipelineNotoSansArabic-{style}"
        texts = glyph_texts(path)
        assert "لا" in texts.values()  # the lam-alef ligature stands for lam and alef
        assert "\u0651" in texts.values()  # shadda


def _actual_texts(path: Path) -> list[str]:
    """Return every /ActualText of the PDF's marked-content sequences, in content order."""
    import pikepdf

    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    if "/ActualText" in operands[1]:
                        found.append(str(operands[1].ActualText))
    return found


def test_every_actualtext_is_a_catalog_word_in_logical_order(project_build: BuildResult):
    """ISO 32000-1 §14.9.4: /ActualText replaces what the glyphs show, so it is Unicode text
    in logical order, as a screen reader reads it aloud."""
    actual = _actual_texts(_file(project_build, "pdf"))
    assert len(actual) > 20  # the Arabic words with vowel marks
    catalogs = [REPO / "translations" / "ar.po", REPO / "pipeline" / "locale" / "ar.po"]
    messages = [m for path in catalogs for m in read_catalog(path, "ar") if m.id]
    words = {w for m in messages for w in _words(re.sub(r"<[^>]+>", " ", str(m.string)))}
    logical = [t for t in actual if all(w in words for w in _words(t))]
    assert logical == actual, [t for t in actual if t not in logical][:5]
