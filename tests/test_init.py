"""`init --from` turns a Markdown, DOCX or ODT file into a publication that builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypandoc
import pytest

from pipeline.build import build
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.init import init_publication

from .conftest import SAMPLE

DOCUMENT = """---
title: Flyer zur Sprechstunde
author: Stadt Musterstadt
---

# Wann?

Jeden Montag. Bringen Sie [Ihren Ausweis](https://www.example.org/ausweis) mit.

![Das Rathaus mit rotem Dach](rathaus.png)

| Tag | Zeit |
|-----|------|
| Montag | 9 bis 12 Uhr |
"""


@pytest.fixture
def docx(tmp_path: Path) -> Path:
    """A Word file written by pandoc from Markdown, with an image and its alt text."""
    shutil.copy(SAMPLE / "source" / "rathaus.png", tmp_path / "rathaus.png")
    (tmp_path / "flyer.md").write_text(DOCUMENT, encoding="utf-8")
    target = tmp_path / "flyer.docx"
    pypandoc.convert_file(
        str(tmp_path / "flyer.md"),
        "docx",
        outputfile=str(target),
        extra_args=[f"--resource-path={tmp_path}"],
    )
    return target


def test_init_from_docx_extracts_images_and_keeps_alt_text(tmp_path: Path, docx: Path):
    project = tmp_path / "flyer"
    config = init_publication(project, docx)
    publication = load_config(project)
    assert publication.title == "Flyer zur Sprechstunde"
    assert publication.publisher == "Stadt Musterstadt"
    source = (project / "source" / "flyer.md").read_text(encoding="utf-8")
    assert "![Das Rathaus mit rotem Dach](media/" in source
    assert list((project / "source" / "media").rglob("*.png"))
    assert config == project / "publication.toml"
    result = build(project)
    page = next(a.path for a in result.artifacts if a.kind == "html").read_text(encoding="utf-8")
    assert 'alt="Das Rathaus mit rotem Dach"' in page
    assert ">Tag</th>" in page


def test_init_takes_a_lone_first_heading_as_the_title(tmp_path: Path):
    document = tmp_path / "satzung.md"
    document.write_text("# Satzung\n\n## § 1 Zweck\n\nText.\n", encoding="utf-8")
    init_publication(tmp_path / "p", document, publisher="Gemeinde")
    assert load_config(tmp_path / "p").title == "Satzung"
    source = (tmp_path / "p" / "source" / "satzung.md").read_text(encoding="utf-8")
    assert source.startswith("## § 1 Zweck")


def test_init_writes_a_config_with_safe_strings(tmp_path: Path):
    document = tmp_path / "x.md"
    document.write_text('# Ein "Titel" mit Zeichen\n\nText.\n', encoding="utf-8")
    init_publication(tmp_path / "p", document, publisher='Stadt "A"')
    publication = load_config(tmp_path / "p")
    assert publication.title == 'Ein "Titel" mit Zeichen'
    assert json.dumps(publication.publisher) == '"Stadt \\"A\\""'


def test_init_refuses_unknown_formats(tmp_path: Path):
    document = tmp_path / "x.pdf"
    document.write_bytes(b"%PDF-1.7")
    with pytest.raises(PipelineError, match="cannot import '.pdf' files"):
        init_publication(tmp_path / "p", document, publisher="Stadt")


def test_a_failed_import_leaves_nothing_behind(tmp_path: Path):
    document = tmp_path / "x.md"
    document.write_text('---\nlang: "de]x"\n---\n\n# Titel\n\nText.\n', encoding="utf-8")
    with pytest.raises(PipelineError, match="'de]x' is not a language tag"):
        init_publication(tmp_path / "p", document, publisher="Stadt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.md"]
