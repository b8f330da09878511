"""veraPDF judges the PDFs by PDF/UA-1 and WCAG 2.2 (machine): nested and loose lists too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from pipeline.build import build
from pipeline.checks.verapdf import check_pdfs
from pipeline.render.pdf_text import (
    element_text,
    iter_elements,
    mcid_texts,
    number_tree,
    page_indices,
)

from .conftest import SAMPLE

LISTS = """

## Listen

1. Erster Punkt mit Unterliste:
   - Unterpunkt A
   - Unterpunkt B
2. Zweiter Punkt

- Lose Liste, erster Punkt.

- Lose Liste, zweiter Punkt mit einem [Link](https://example.org) im Text.
"""


@pytest.fixture(scope="module")
def lists_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("lists") / "project"
    shutil.copytree(SAMPLE, project)
    source = project / "source" / "teil-2.md"
    source.write_text(source.read_text(encoding="utf-8") + LISTS, encoding="utf-8")
    result = build(project)
    return next(a.path for a in result.artifacts if a.kind == "pdf")


def test_nested_and_loose_lists_pass_pdf_ua_1(lists_pdf: Path):
    assert check_pdfs([lists_pdf]) == []


def test_an_item_without_its_lbody_fails_rule_7_2_20_with_page_and_element(
    lists_pdf: Path, tmp_path: Path
):
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(lists_pdf) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/LI":
                kids = list(obj.K) if isinstance(obj.K, pikepdf.Array) else [obj.K]
                flat = []
                for kid in kids:  # what WeasyPrint wrote: the paragraph beside the label
                    if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/LBody":
                        flat += list(kid.K) if isinstance(kid.K, pikepdf.Array) else [kid.K]
                    else:
                        flat.append(kid)
                obj.K = pikepdf.Array(flat)
        pdf.save(broken)
    findings = check_pdfs([broken])
    assert findings and {f.rule for f in findings} == {"PDF/UA-1 7.2-20"}
    assert "LI element may contain only Lbl and LBody" in findings[0].message
    assert "structure element LI, object" in findings[0].message


def test_no_span_marks_empty_content(lists_pdf: Path):
    """WeasyPrint's empty text boxes (after a link) leave no empty Span behind."""
    with pikepdf.open(lists_pdf) as pdf:
        texts, pages = mcid_texts(pdf), page_indices(pdf)
        spans = [e for e in iter_elements(pdf.Root.StructTreeRoot) if e.get("/S") == "/Span"]
        assert spans
        assert all(element_text(span, texts, pages) for span in spans)


def test_an_empty_span_fails_the_wcag_2_2_machine_profile(lists_pdf: Path, tmp_path: Path):
    broken = tmp_path / "empty-span.pdf"
    with pikepdf.open(lists_pdf) as pdf:
        page = pdf.pages[0]
        entries = number_tree(pdf.Root.StructTreeRoot.ParentTree)[int(page.obj.StructParents)]
        paragraph = next(e for e in iter_elements(pdf.Root.StructTreeRoot) if e.get("/S") == "/P")
        mcid = len(entries)
        span = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span, P=paragraph, Pg=page.obj, K=mcid
            )
        )
        kids = (
            paragraph.K if isinstance(paragraph.K, pikepdf.Array) else pikepdf.Array([paragraph.K])
        )
        kids.append(span)
        paragraph.K = kids
        entries.append(span)
        page.contents_add(pdf.make_stream(b"/Span << /MCID %d >> BDC BT ET EMC" % mcid))
        pdf.save(broken)
    findings = check_pdfs([broken])
    assert {f.rule for f in findings} == {"WCAG 2.2 4.1.2-17"}
    assert "structure element Span" in findings[0].message
