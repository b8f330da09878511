"""The sample publication, built with the real pandoc, WeasyPrint and Babel."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest

from pipeline.build import BuildResult, build
from pipeline.errors import PipelineError, SourceError
from pipeline.render.epub import CONFORMS_TO

from .conftest import copy_sample


def _files(result: BuildResult) -> dict[str, Path]:
    return {a.kind: a.path for a in result.artifacts}


class _Outline(HTMLParser):
    """Collect the tags, the landmarks and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def _outline(path: Path) -> _Outline:
    parser = _Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_format_is_written_with_meaningful_names(sample_build: BuildResult):
    files = _files(sample_build)
    assert sorted(files) == ["epub", "html", "pdf"]
    for path in files.values():
        assert path.parent.name == "de"
        assert path.stem == "willkommen-in-musterstadt"
        assert path.stat().st_size > 1000
    assert (sample_build.output / "de" / "media" / "1-chart.svg").is_file()


def test_the_html_page_has_the_accessible_skeleton(sample_build: BuildResult):
    page = _outline(_files(sample_build)["html"])
    html_tag = page.tags[0]
    assert html_tag == ("html", {"lang": "de", "dir": "ltr"})
    assert page.count("title") == 1
    assert page.count("h1") == 1
    assert page.count("main") == 1 and page.count("header") == 1 and page.count("footer") == 1
    skip = next(attrs for tag, attrs in page.tags if tag == "a")
    assert skip == {"class": "skip-link", "href": "#main"}
    nav = [attrs for tag, attrs in page.tags if tag == "nav"]
    assert nav == [{"class": "toc", "aria-labelledby": "toc-title"}]
    assert ("span", {"lang": "en"}) in page.tags
    assert any(tag == "th" for tag, _ in page.tags)
    assert page.count("figcaption") == 2
    text = _files(sample_build)["html"].read_text(encoding="utf-8")
    assert "Zum Inhalt springen" in text and "Zurück zum Text" in text


def test_the_stylesheet_has_focus_print_and_narrow_screen_rules(sample_build: BuildResult):
    css = (sample_build.output / "assets" / "style.css").read_text(encoding="utf-8")
    assert ":focus-visible" in css
    assert "@media print" in css
    assert "max-width: 100%" in css


def test_the_landing_page_lists_every_format_with_its_size(sample_build: BuildResult):
    text = sample_build.landing.read_text(encoding="utf-8")
    for name in ("de/willkommen-in-musterstadt.html", "de/willkommen-in-musterstadt.pdf"):
        assert f'href="{name}"' in text
    assert re.search(r"E-Book \(EPUB 3\)</a> <span class=\"size\">\([\d,]+ [kM]B\)</span>", text)
    assert '<li class="edition" lang="de" dir="ltr">' in text
    assert ">Deutsch</h3>" in text


def test_the_pdf_is_pdf_ua_with_metadata_and_bookmarks(sample_build: BuildResult):
    with pikepdf.open(_files(sample_build)["pdf"]) as pdf:
        assert str(pdf.Root.Lang) == "de"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert bool(pdf.Root.MarkInfo.Marked)
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        assert (
            str(pdf.docinfo.Title) == "Willkommen in Musterstadt: Ein Beispiel für alle Funktionen"
        )
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert "Willkommen in Musterstadt" in titles


def test_every_pdf_font_is_a_shipped_font_and_embedded(sample_build: BuildResult):
    listing = subprocess.run(
        ["pdffonts", str(_files(sample_build)["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing
    for row in listing:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert "Pipeline-Noto-Sans" in name, row
        assert (emb, uni) == ("yes", "yes"), row


def test_the_pdf_has_page_numbers_and_the_text(sample_build: BuildResult):
    text = subprocess.run(
        ["pdftotext", str(_files(sample_build)["pdf"]), "-"], capture_output=True, text=True
    ).stdout
    # The title page has no number; the pages after it are numbered from 2.
    assert "Seite 1 von" not in text and "Seite 2 von" in text
    assert "Welcome to our city" in text
    assert "Hoş geldiniz" in text


def _epub_text(path: Path, suffix: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(suffix))


def test_the_epub_metadata_is_derived_from_the_content(sample_build: BuildResult):
    opf = _epub_text(_files(sample_build)["epub"], ".opf")
    assert '<meta property="schema:accessMode">textual</meta>' in opf
    assert '<meta property="schema:accessMode">visual</meta>' in opf
    assert '<meta property="schema:accessibilityFeature">alternativeText</meta>' in opf
    assert '<meta property="schema:accessibilitySummary">Ein Text mit' in opf
    assert "<dc:language>de</dc:language>" in opf
    # A build alone claims nothing: conformance is declared by `check` once the checkers pass.
    assert CONFORMS_TO not in opf


def test_the_epub_navigation_speaks_the_editions_language(sample_build: BuildResult):
    nav = _epub_text(_files(sample_build)["epub"], "nav.xhtml")
    assert "Title Page" not in nav and "Table of Contents" not in nav
    assert ">Titelseite<" in nav and ">Inhaltsverzeichnis<" in nav
    assert 'aria-label="Orientierungspunkte"' in nav


def test_text_only_epub_claims_no_visual_access_mode(tmp_path: Path, no_warnings):
    project = copy_sample(tmp_path / "p")
    (project / "source" / "teil-1.md").write_text("# Nur Text\n\nEin Satz.\n", encoding="utf-8")
    (project / "source" / "teil-2.md").write_text(
        "# Noch Text\n\nNoch ein Satz.\n", encoding="utf-8"
    )
    result = build(project)
    opf = _epub_text(_files(result)["epub"], ".opf")
    assert "visual" not in opf and "alternativeText" not in opf


def test_metadata_is_shown_as_text_and_never_read_as_markup(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    title = "<img src=x onerror=alert(1)> *Musterstadt* & Co"
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('"Willkommen in Musterstadt"', repr(title)), encoding="utf-8")
    files = _files(build(project))
    escaped = "&lt;img src=x onerror=alert(1)&gt; *Musterstadt* &amp; Co"
    page = files["html"].read_text(encoding="utf-8")
    assert escaped in page and "<img src=x" not in page
    with zipfile.ZipFile(files["epub"]) as epub:
        book = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(("ml", "opf")))
    assert "<dc:title" in book and f">{escaped}</dc:title>" in book
    assert "<img src=x" not in book and "<em>Musterstadt</em>" not in book
    with pikepdf.open(files["pdf"]) as pdf:
        assert str(pdf.docinfo["/Title"]).startswith(title)


def test_a_rebuild_replaces_the_output_and_a_failed_one_keeps_it(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    build(project)
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("version =", 'slug = "neu"\nversion ='), encoding="utf-8")
    result = build(project)
    names = sorted(p.name for p in (result.output / "de").iterdir())
    assert names == ["accessibility.html", "media", "neu.epub", "neu.html", "neu.pdf"]  # none stale

    source = project / "source" / "teil-2.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n![](rathaus.png)\n")
    with pytest.raises(SourceError):
        build(project)
    assert sorted(p.name for p in (result.output / "de").iterdir()) == names
    # Nothing stray: the output's lock file (pipeline/locks.py) and the cache (pipeline/cache.py),
    # which git ignores.
    hidden = sorted(p.name for p in project.iterdir() if p.name.startswith("."))
    assert hidden == [".cache", ".output.lock"]


def test_a_directory_with_foreign_files_is_never_replaced(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "important.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(PipelineError, match="files the pipeline did not make"):
        build(project, tmp_path / "www")
    assert (tmp_path / "www" / "important.txt").read_text(encoding="utf-8") == "keep me"


def test_the_pdf_closes_weasyprints_gaps_in_the_sample(sample_build: BuildResult):
    with pikepdf.open(_files(sample_build)["pdf"]) as pdf:
        langs = {
            str(element.Lang)
            for element in _struct_elements(pdf.Root.StructTreeRoot)
            if "/Lang" in element
        }
        assert langs == {"en", "tr"}
        contents = {
            str(annotation.Contents) for page in pdf.pages for annotation in page.get("/Annots", [])
        }
        assert "Seite der Stadt" in contents
        assert not any(text.startswith("http") for text in contents)
        streams = b"".join(page.Contents.read_bytes() for page in pdf.pages)
        # Page number and running header on every page but the title page.
        assert streams.count(b"/Artifact << /Type /Pagination >> BDC") == 2 * len(pdf.pages) - 2


def _struct_elements(node: pikepdf.Object):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _struct_elements(kid)


def test_the_epub_embeds_fonts_cut_to_the_characters_it_uses(sample_build: BuildResult):
    from fontTools.ttLib import TTFont

    with zipfile.ZipFile(_files(sample_build)["epub"]) as archive:
        fonts = [n for n in archive.namelist() if n.endswith(".ttf")]
        assert len(fonts) == 6  # Noto Sans in four styles, Noto Sans Arabic in two
        regular = archive.read(next(n for n in fonts if n.endswith("NotoSans-Regular.ttf")))
    assert len(regular) < 100_000
    cmap = TTFont(io.BytesIO(regular)).getBestCmap()
    for character in "Hoş geldiniz, begrüßt: Zusammenleben.":
        assert ord(character) in cmap, character


def test_each_epub_chapter_is_a_section_with_its_own_title(sample_build: BuildResult):
    with zipfile.ZipFile(_files(sample_build)["epub"]) as archive:
        chapters = sorted(n for n in archive.namelist() if re.search(r"/ch\d+\.xhtml$", n))
        texts = [archive.read(n).decode("utf-8") for n in chapters]
    titles = [re.search(r"<title>(.*?)</title>", t).group(1) for t in texts]  # type: ignore[union-attr]
    assert titles == ["Willkommen", "Zahlen"]
    for text, title in zip(texts, titles, strict=True):
        assert re.search(rf"<h1[^>]*>{title}</h1>", text)
