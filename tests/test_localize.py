"""A translated document: approved text where it exists, marked German where it does not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.actions import approve_segments
from pipeline.catalogs import read_catalog, write_catalog
from pipeline.config import load_config
from pipeline.localize import localize
from pipeline.render.html import body_html
from pipeline.review import segment_id
from pipeline.segments import MarkupError
from pipeline.source import load_document

from .conftest import sample_with_turkish

LINK = (
    'Dieser Text begrüßt alle Menschen in der Stadt: <span lang="en">Welcome to our city</span> '
    'und <span lang="tr">Hoş geldiniz</span>. Mehr steht auf der <a id="1">Seite der Stadt</a> '
    'und im Abschnitt <a id="2">Zahlen</a>.<note id="1"/>'
)
LINK_TR = (
    'Bu metin şehirdeki herkesi selamlıyor: <span lang="en">Welcome to our city</span> ve '
    '<span lang="tr">Hoş geldiniz</span>. Daha fazlası <a id="1">şehrin sayfasında</a> ve '
    '<a id="2">Sayılar</a> bölümünde.<note id="1"/>'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample with a Turkish catalog: one approved paragraph, one draft heading."""
    project = sample_with_turkish(tmp_path / "p")
    path = project / "translations" / "tr.po"
    catalog = read_catalog(path, "tr")
    catalog[LINK].string = LINK_TR
    catalog["Angebote"].string = "Hizmetler"
    write_catalog(catalog, path)
    when = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    approve_segments(load_config(project), "tr", "Ayşe", [segment_id(catalog[LINK])], False, when)
    return project


def _html(project: Path, include_unapproved: bool) -> tuple[str, dict[str, int]]:
    publication = load_config(project)
    path = project / "translations" / "tr.po"
    result = localize(
        load_document(publication), read_catalog(path, "tr"), path, "de", include_unapproved
    )
    return body_html(result.document), result.used


def test_approved_text_replaces_the_german_with_links_kept(project: Path):
    html, used = _html(project, include_unapproved=False)
    assert '<a href="https://www.example.org/stadt">şehrin sayfasında</a>' in html
    assert '<a href="#zahlen">Sayılar</a>' in html
    assert "Dieser Text begrüßt" not in html
    assert used["approved"] == 1


def test_missing_and_unapproved_text_falls_back_to_marked_german(project: Path):
    html, used = _html(project, include_unapproved=False)
    assert '<h3 id="angebote"><span lang="de" dir="ltr">Angebote</span></h3>' in html
    assert "Hizmetler" not in html  # a draft is withheld from a final edition
    assert used["withheld"] == 2 and used["missing"] > 10  # heading and table cell


def test_a_draft_edition_shows_drafts(project: Path):
    html, used = _html(project, include_unapproved=True)
    assert '<h3 id="angebote">Hizmetler</h3>' in html
    assert used["draft"] == 2


def test_a_translation_with_broken_tags_names_the_catalog_line(project: Path):
    path = project / "translations" / "tr.po"
    catalog = read_catalog(path, "tr")
    catalog["Angebote"].string = "<b>Hizmetler</b>"
    write_catalog(catalog, path)
    with pytest.raises(MarkupError, match="<b> is not allowed") as caught:
        _html(project, include_unapproved=True)
    assert caught.value.path == path and caught.value.line
