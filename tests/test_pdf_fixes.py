"""Tests for the PDF/UA-1 fixes applied to real WeasyPrint output, and the checker."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import weasyprint

from pipeline.checks.pdf import check_pdf
from pipeline.render.pdf_fixes import PdfLanguageError, close_pdfua_gaps
from pipeline.render.pdf_text import (
    element_text,
    is_struct_element,
    iter_elements,
    mcid_texts,
    number_tree,
    object_key,
    page_indices,
    struct_kids,
)
from tests.conftest import SAMPLE

FONTS = Path(__file__).resolve().parents[1] / "pipeline" / "fonts"
URL = "https://example.org/x"
FRENCH = "qui est assez long pour passer à la ligne suivante sans doute"
LANG_SPANS = [("en", "Welcome to the city"), ("fr", FRENCH)]

CSS = f"""
@font-face {{ font-family: Pipeline Noto;
  src: url({(FONTS / "NotoSans-Regular.ttf").as_uri()}); }}
@font-face {{ font-family: Pipeline Noto; font-weight: bold;
  src: url({(FONTS / "NotoSans-Bold.ttf").as_uri()}); }}
@font-face {{ font-family: Another Font;
  src: url({(FONTS / "NotoSans-Italic.ttf").as_uri()}); }}
@page {{ size: 90mm 120mm; margin: 15mm 10mm; font-family: Pipeline Noto; font-size: 8pt;
  @bottom-center {{ content: "Seite " counter(page) " von " counter(pages) }}
  @top-left {{ content: "Running header" }} }}
body {{ font-family: Pipeline Noto; font-size: 10pt; }}
"""

BODY = f"""
<h1 id="intro">Willkommen</h1>
<p>Herzlich willkommen: <span lang="en">Welcome to the city</span> sagen wir.</p>
<p>Ein langer Satz mit einem Einschub <span lang="fr">{FRENCH}</span> und weiter.</p>
<p>Besuchen Sie die <a href="{URL}">Seite der <em>Stadt</em></a> oder gehen Sie
<a href="#intro">zurück zur<br>Einleitung</a>.</p>
<h2>Bilder</h2>
<figure><img src="square.png" alt="Ein rotes Quadrat" style="width: 15mm">
<figcaption>Abbildung 1: Quadrat</figcaption></figure>
<h3>Tabelle</h3>
<table><tr><th>Name</th><th>Wert</th></tr><tr><td>A</td><td>1</td></tr></table>
<h2 style="break-before: page">Zweite Seite</h2><p>Noch mehr Text.</p>
"""


def _png() -> bytes:
    """Return a small PNG: the sample publication's picture."""
    return (SAMPLE / "source" / "rathaus.png").read_bytes()


def _render(directory: Path, name: str, body: str) -> Path:
    """Render a German HTML body to PDF/UA-1 with WeasyPrint, unfixed."""
    (directory / "square.png").write_bytes(_png())
    html = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        f"<title>Testdokument</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>"
    )
    target = directory / name
    document = weasyprint.HTML(string=html, base_url=str(directory / "index.html"))
    document.write_pdf(target, pdf_variant="pdf/ua-1")
    return target


def _fix(raw: Path, target: Path, lang_spans: list[tuple[str, str]]) -> Path:
    with pikepdf.open(raw) as pdf:
        close_pdfua_gaps(pdf, lang_spans)
        pdf.save(target)
    return target


@pytest.fixture(scope="module")
def raw_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test document as WeasyPrint writes it."""
    return _render(tmp_path_factory.mktemp("pdf"), "raw.pdf", BODY)


@pytest.fixture(scope="module")
def fixed_pdf(raw_pdf: Path) -> Path:
    """The test document after close_pdfua_gaps."""
    return _fix(raw_pdf, raw_pdf.with_name("fixed.pdf"), LANG_SPANS)


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    return list(iter_elements(pdf.Root.StructTreeRoot))


def _orphan_mcids(pdf: pikepdf.Pdf) -> list[tuple[int, int]]:
    """List (page, MCID) pairs whose ParentTree entry is outside the tree."""
    reachable = {object_key(element) for element in _elements(pdf)}
    parent_tree = number_tree(pdf.Root.StructTreeRoot.ParentTree)
    return [
        (index, mcid)
        for index, page in enumerate(pdf.pages)
        for mcid, entry in enumerate(parent_tree[int(page.StructParents)])
        if is_struct_element(entry) and object_key(entry) not in reachable
    ]


def _text(pdf: pikepdf.Pdf, element: pikepdf.Object) -> str:
    return element_text(element, mcid_texts(pdf), page_indices(pdf))


def _annotations(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    return [annotation for page in pdf.pages for annotation in page.get("/Annots", [])]


def test_pagination_becomes_artifact(raw_pdf: Path, fixed_pdf: Path) -> None:
    with pikepdf.open(raw_pdf) as raw:
        assert len(raw.pages) >= 2
        assert len(_orphan_mcids(raw)) == 2 * len(raw.pages)
        assert b"/Pagination" not in raw.pages[0].Contents.read_bytes()
    with pikepdf.open(fixed_pdf) as fixed:
        assert _orphan_mcids(fixed) == []
        for index, page in enumerate(fixed.pages):
            assert page.Contents.read_bytes().count(b"/Pagination") == 2
            texts = [text for (p, _), text in mcid_texts(fixed).items() if p == index]
            assert not any(re.match(r"Running|Seite \d", text) for text in texts)


def test_lang_spans_get_lang(raw_pdf: Path, fixed_pdf: Path) -> None:
    with pikepdf.open(raw_pdf) as raw:
        assert not any("/Lang" in element for element in _elements(raw))
    with pikepdf.open(fixed_pdf) as fixed:
        tagged = [e for e in _elements(fixed) if "/Lang" in e]
        assert {str(e.S) for e in tagged} == {"/Span"}
        by_lang: dict[str, list[str]] = {}
        for element in tagged:
            by_lang.setdefault(str(element.Lang), []).append(_text(fixed, element))
    assert by_lang["en"] == ["Welcome to the", "city"]
    assert len(by_lang["fr"]) >= 2  # the French span wraps over lines
    assert " ".join(by_lang["fr"]) == FRENCH


def test_a_part_with_no_element_of_its_own_is_an_error(raw_pdf: Path, tmp_path: Path) -> None:
    # Its text would be read aloud in the page's language: the build stops and names it.
    spans = [*LANG_SPANS, ("en", "Not in the document")]
    with pytest.raises(PdfLanguageError, match="'Not in the document' \\(lang=en\\) has no"):
        _fix(raw_pdf, tmp_path / "fixed.pdf", spans)


def test_a_whole_element_in_another_language_gets_lang(tmp_path: Path) -> None:
    # An untranslated heading or paragraph: the span fills the element and has no Span.
    body = (
        '<h1 lang="en">Welcome home</h1><p>Herzlich willkommen.</p>'
        '<dl><dt>Herausgeber</dt><dd lang="en">City of Dietzenbach</dd></dl>'
    )
    raw = _render(tmp_path, "raw.pdf", body)
    spans = [("en", "Welcome home"), ("en", "City of Dietzenbach")]
    with pikepdf.open(_fix(raw, tmp_path / "fixed.pdf", spans)) as pdf:
        tagged = {_text(pdf, e): (str(e.S), str(e.Lang)) for e in _elements(pdf) if "/Lang" in e}
    assert tagged == {
        "Welcome home": ("/H1", "en"),
        "City of Dietzenbach": ("/LI", "en"),
    }


def _link_owners(pdf: pikepdf.Pdf) -> list[str]:
    parent_tree = number_tree(pdf.Root.StructTreeRoot.ParentTree)
    return [str(parent_tree[int(a.StructParent)].S) for a in _annotations(pdf)]


def test_link_contents_is_link_text(raw_pdf: Path, fixed_pdf: Path) -> None:
    with pikepdf.open(raw_pdf) as raw:
        contents = [str(a.Contents) for a in _annotations(raw)]
        # WeasyPrint gives <em> and <br> inside <a> their own annotation and tag.
        assert "/NonStruct" in _link_owners(raw)
    assert contents[:2] == [URL, URL]
    assert set(contents[2:]) == {"intro"}
    with pikepdf.open(fixed_pdf) as fixed:
        annotations = _annotations(fixed)
        contents = [str(a.Contents) for a in annotations]
        targets = [str(a.A.URI) if "/A" in a else str(a.Dest) for a in annotations]
        assert set(_link_owners(fixed)) == {"/Link"}
    assert targets == [URL, URL] + ["intro"] * (len(targets) - 2)
    # The internal link is broken by <br>: every part describes the whole link.
    assert contents == ["Seite der Stadt"] * 2 + ["zurück zur Einleitung"] * (len(contents) - 2)


def test_caption_moves_into_figure(raw_pdf: Path, fixed_pdf: Path) -> None:
    with pikepdf.open(raw_pdf) as raw:
        (caption,) = [e for e in _elements(raw) if e.S == "/Caption"]
        assert caption.P.S == "/NonStruct"
    with pikepdf.open(fixed_pdf) as fixed:
        (caption,) = [e for e in _elements(fixed) if e.S == "/Caption"]
        figure = caption.P
        assert figure.S == "/Figure" and str(figure.Alt) == "Ein rotes Quadrat"
        assert object_key(struct_kids(figure)[-1]) == object_key(caption)
        assert _text(fixed, caption) == "Abbildung 1: Quadrat"
        wrapper = figure.P
        while wrapper.S == "/NonStruct":
            wrapper = wrapper.P
        assert wrapper.S == "/Div"


def test_fixed_tree_is_consistent(fixed_pdf: Path) -> None:
    with pikepdf.open(fixed_pdf) as pdf:
        elements = _elements(pdf)
        for element in elements:
            for kid in struct_kids(element):
                if is_struct_element(kid):
                    assert object_key(kid.P) == object_key(element)
        reachable = {object_key(element) for element in elements}
        parent_tree = number_tree(pdf.Root.StructTreeRoot.ParentTree)
        for page in pdf.pages:
            for mcid, entry in enumerate(parent_tree[int(page.StructParents)]):
                if entry is not None:
                    assert object_key(entry) in reachable
                    assert mcid in struct_kids(entry)
        for annotation in _annotations(pdf):
            owner = parent_tree[int(annotation.StructParent)]
            assert owner.S == "/Link" and object_key(owner) in reachable


def test_checker_reports_raw_gaps_and_passes_fixed(raw_pdf: Path, fixed_pdf: Path) -> None:
    rules = {finding.rule for finding in check_pdf(raw_pdf)}
    assert rules == {
        "orphan-marked-content",
        "link-contents-is-url",
        "link-struct-element",
        "caption-placement",
    }
    assert check_pdf(fixed_pdf) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdftotext_still_extracts_text(fixed_pdf: Path) -> None:
    output = subprocess.run(
        ["pdftotext", str(fixed_pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = " ".join(output.split())
    for expected in ("Welcome to the city", "Seite der Stadt", "Seite 1 von ", FRENCH):
        assert expected in text


def test_checker_reports_skipped_heading_level(tmp_path: Path) -> None:
    raw = _render(tmp_path, "skip.pdf", "<h1>Titel</h1><h3>Unterpunkt</h3><p>Text</p>")
    findings = check_pdf(_fix(raw, tmp_path / "fixed.pdf", []))
    assert [finding.rule for finding in findings] == ["heading-skipped-level"]
    assert "H1 followed by H3" in findings[0].message


def test_checker_reports_figure_without_alt(tmp_path: Path) -> None:
    body = '<h1>Titel</h1><p><img src="square.png" style="width: 5mm"></p>'
    raw = _render(tmp_path, "noalt.pdf", body)
    findings = check_pdf(_fix(raw, tmp_path / "fixed.pdf", []))
    assert [(finding.rule, finding.checker) for finding in findings] == [("figure-alt", "pdfua")]


def test_checker_reports_a_font_that_was_not_shipped(tmp_path: Path) -> None:
    body = '<h1>Titel</h1><p style="font-family: Another Font">Fremde Schrift</p>'
    raw = _render(tmp_path, "font.pdf", body)
    findings = check_pdf(_fix(raw, tmp_path / "fixed.pdf", []))
    assert [finding.rule for finding in findings] == ["font-not-shipped"]
    assert "Another-Font" in findings[0].message
