"""veraPDF, the reference PDF/UA-1 validator, judges the PDFs: nested and loose lists too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from pipeline.build import build
from pipeline.checks.verapdf import check_pdfs

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
