"""Each edition's glossary section: the terms it uses, defined, linked from first occurrences."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

from pipeline.build import BuildResult, build
from pipeline.catalogs import read_catalog, write_catalog
from pipeline.cli import main
from pipeline.i18n import translations

from .conftest import copy_project

EDITIONS = ("de", "en-GB", "tr", "ar", "pl", "ru", "uk")


def _files(result: BuildResult, edition: str) -> dict[str, Path]:
    return {a.kind: a.path for a in result.artifacts if a.edition == edition}


def _links(page: str) -> list[str]:
    return re.findall(r'<a href="#(term-[a-z0-9-]+)" class="term">', page)


def test_every_edition_ends_with_its_glossary_linked_from_first_occurrences(
    project_build: BuildResult,
):
    for edition in EDITIONS:
        files = _files(project_build, edition)
        page = files["html"].read_text(encoding="utf-8")
        heading = translations(edition).gettext("Glossary")
        assert f'<h2 id="glossary">{heading}</h2>' in page, edition
        section = page.split('<h2 id="glossary">')[1]
        entries = re.findall(r'<dt><span id="(term-[a-z0-9-]+)"', section)
        links = _links(page.split('<h2 id="glossary">')[0])
        assert len(entries) >= 8 and len(links) == len(set(links)), edition  # first ones only
        assert set(links) <= set(entries), edition
        assert len(set(links)) >= len(entries) - 2, edition  # nearly every term is found
        pdf = subprocess.run(
            ["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert heading in pdf, edition
        with zipfile.ZipFile(files["epub"]) as epub:
            book = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith("html"))
        assert re.search(r'<a href="ch\d+\.xhtml#term-integrationskonzept" class="term">', book)
        assert 'id="term-integrationskonzept"' in book


def test_a_translated_glossary_uses_the_termbases_terms_and_marks_unreviewed_ones(
    project_build: BuildResult,
):
    page = _files(project_build, "tr")["html"].read_text(encoding="utf-8")
    section = page.split('<h2 id="glossary">')[1]
    assert '<span id="term-integrationskonzept">entegrasyon konsepti</span>' in section
    assert f"({translations('tr').gettext('term not yet reviewed')})" in section
    assert 'href="#term-integrationskonzept" class="term">entegrasyon konsepti</a>' in page
    german = _files(project_build, "de")["html"].read_text(encoding="utf-8")
    assert "not yet reviewed" not in german and "nicht geprüft" not in german


def test_a_definition_without_translation_is_german_marked_as_german(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    path = project / "translations" / "pl.po"
    catalog = read_catalog(path, "pl")
    for message in catalog:
        if message.context == "glossary:integrationskonzept":
            message.string = ""
            german = str(message.id)
    write_catalog(catalog, path)
    page = _files(build(project), "pl")["html"].read_text(encoding="utf-8")
    section = page.split('<h2 id="glossary">')[1]
    assert f'<span lang="de" dir="ltr">{german}</span>' in section


def test_a_new_definition_never_takes_over_a_removed_paragraphs_translation(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    source = project / "source" / "integrationskonzept.md"
    paragraphs = source.read_text(encoding="utf-8").split("\n\n")
    removed = next(p for p in paragraphs if p.startswith("Zudem wird vorgeschlagen"))
    source.write_text("\n\n".join(p for p in paragraphs if p != removed), encoding="utf-8")
    terms = project / "glossary" / "terms.csv"
    old = "Ein konkreter Schritt, ein Angebot oder ein Projekt, mit dem ein Ziel erreicht"
    similar = removed.replace("Zudem", "Außerdem")  # Babel would match it to the removed one
    text = terms.read_text(encoding="utf-8")
    definition_cell = text[text.index(old) : text.index('"', text.index(old))]
    terms.write_text(text.replace(definition_cell, similar), encoding="utf-8")
    translation = str(read_catalog(project / "translations" / "tr.po", "tr")[removed].string)
    assert main(["catalogs", "--project", str(project)]) == 0
    catalog = read_catalog(project / "translations" / "tr.po", "tr")
    definition = next(m for m in catalog if m.context == "glossary:massnahme")
    assert definition.id == similar and definition.string == "" and not definition.fuzzy
    assert catalog.obsolete[removed].string == translation  # kept as #~, not lost
