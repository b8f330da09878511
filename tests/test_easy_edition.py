"""The Leichte Sprache edition: its own source, typography measured in HTML and PDF, word list."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from pipeline.build import BuildResult, build
from pipeline.checks.html import _browser
from pipeline.errors import PipelineError, SourceError

from .conftest import copy_project, with_contact

EASY_TEXT = """# Was ist das Integrations·konzept?

Die Stadt Dietzenbach hat ein Integrations·konzept.
Das Konzept heißt: Dietzenbach in Bewegung.
Es geht um das Zusammen·leben in der Stadt.
Sie können *mitmachen*.

# Die Ziele

Die Stadt will das Zusammen·leben verbessern.
Viele Menschen haben an dem Konzept gearbeitet.
Das Konzept hat Ziele für die Arbeit in der Stadt.
Das Konzept nennt auch Maßnahmen.
Eine Maßnahme ist etwas, das die Stadt tut.
"""
EDITION = (
    'de-leicht = { lang = "de", sources = ["source/leichte-sprache.md"], style = "easy", '
    'name = "Leichte Sprache" }'
)


def _easy_project(target: Path, edition: str = EDITION) -> Path:
    project = copy_project(target)
    (project / "source" / "leichte-sprache.md").write_text(EASY_TEXT, encoding="utf-8")
    config = project / "publication.toml"
    text = re.sub(
        r"\n(en-GB|tr|ar|pl|ru|uk|de-leicht) = .*", "", config.read_text(encoding="utf-8")
    )
    config.write_text(text.replace("de = {}", f"de = {{}}\n{edition}"), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def easy_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(_easy_project(tmp_path_factory.mktemp("easy") / "project"))


def _files(result: BuildResult) -> dict[str, Path]:
    return {a.kind: a.path for a in result.artifacts if a.edition == "de-leicht"}


def test_the_easy_edition_is_built_from_its_own_source_in_every_format(easy_build: BuildResult):
    files = _files(easy_build)
    assert set(files) == {"html", "pdf", "epub"}
    page = files["html"].read_text(encoding="utf-8")
    assert '<html lang="de" dir="ltr">' in page
    assert "Das Konzept heißt:" in page and "Dietzenbacher Integrationskonzept" not in page
    # Every sentence starts on a new line.
    assert "Integrations·konzept</a>.<br />" in page
    landing = easy_build.landing.read_text(encoding="utf-8")
    assert "Leichte Sprache, noch nicht von Prüf·lesern geprüft" in landing
    assert ">Leichte Sprache</a>" in page  # the language switcher names it


def test_it_says_in_plain_words_that_test_readers_have_not_checked_it_yet(easy_build: BuildResult):
    files = _files(easy_build)
    notice = "Dieser Text ist neu. Prüf·leser prüfen: Ist ein Text leicht zu lesen?"
    assert notice in files["html"].read_text(encoding="utf-8")
    first_page = subprocess.run(
        ["pdftotext", "-l", "1", str(files["pdf"]), "-"], capture_output=True, text=True
    ).stdout
    assert notice in " ".join(first_page.split())
    with zipfile.ZipFile(files["epub"]) as epub:
        book = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(("ml", "opf")))
    assert notice in book and "logo" not in book.lower()


def test_test_readers_approval_is_recorded(tmp_path: Path):
    checked = EDITION.replace(
        " }", ', checked_by = "Prüfgruppe Dietzenbach", checked_on = 2026-12-01 }'
    )
    result = build(with_contact(_easy_project(tmp_path / "project", checked)))
    landing = result.landing.read_text(encoding="utf-8")
    assert "geprüft von Prüf·lesern (Prüfgruppe Dietzenbach, 1. Dezember 2026)" in landing
    page = _files(result)["html"].read_text(encoding="utf-8")
    assert "draft-notice" not in page


def test_the_word_list_explains_the_hard_words_and_is_linked(easy_build: BuildResult):
    files = _files(easy_build)
    page = files["html"].read_text(encoding="utf-8")
    section = page.split('<h2 id="glossary">Wörterbuch</h2>')[1]
    assert '<span id="term-integrationskonzept">Integrationskonzept</span>' in section
    links = re.findall(r'<a href="#(term-[a-z-]+)" class="term">', page.split("Wörterbuch</h2>")[0])
    assert {"term-integrationskonzept", "term-zusammenleben", "term-massnahme"} <= set(links)
    with zipfile.ZipFile(files["epub"]) as epub:
        book = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith("html"))
    assert re.search(r'href="ch\d+\.xhtml#term-zusammenleben" class="term"', book)


def test_screen_typography_is_measured_in_chromium(easy_build: BuildResult):
    page_path = _files(easy_build)["html"]
    with _browser() as browser:
        page = browser.new_page()
        page.goto(page_path.as_uri())
        styles = page.evaluate(
            """() => [...document.querySelectorAll('main p, main li, main dd, main dt')]
                .map(e => { const s = getComputedStyle(e);
                  return [parseFloat(s.fontSize), parseFloat(s.lineHeight), s.fontStyle,
                          s.hyphens, s.textAlign, s.fontFamily]; })"""
        )
        emphasis = page.evaluate(
            "() => [...document.querySelectorAll('main em')]"
            ".map(e => getComputedStyle(e).fontStyle)"
        )
    assert styles
    for size, line, style, hyphens, align, family in styles:
        assert size >= 18 and line / size >= 1.5
        assert style == "normal" and hyphens in ("manual", "none") and align == "left"
        assert family.startswith('"Pipeline Atkinson Hyperlegible"')
    assert emphasis == ["normal"]  # bold instead of italics


def test_print_typography_is_measured_in_the_pdf(easy_build: BuildResult):
    pdf_path = _files(easy_build)["pdf"]
    with pikepdf.open(pdf_path) as pdf:
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        sizes = [
            float(operands[1])
            for page in pdf.pages
            for operands, operator in pikepdf.parse_content_stream(page)
            if str(operator) == "Tf"
        ]
    assert all("Atkinson" in font and "Italic" not in font for font in fonts)
    assert min(sizes) >= 14  # body, notes and page numbers
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', bbox)
    pages = bbox.split("<page ")[1:]
    gaps = []
    for page in pages:
        bottoms = sorted({float(y) for y in re.findall(r'yMax="([\d.]+)"', page)})
        lines = [y for i, y in enumerate(bottoms) if i == 0 or y - bottoms[i - 1] > 3]
        gaps += [b - a for a, b in zip(lines, lines[1:], strict=False)]
    assert min(gaps) >= 1.5 * 14  # line height at least 1.5 at 14 pt
    assert not any(w.endswith(("-", "\u2010")) for *_, w in words)  # no hyphenation


def test_every_page_after_the_title_page_has_a_page_number(easy_build: BuildResult):
    pdf_path = _files(easy_build)["pdf"]
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3 and "Seite 1 von" not in pages[0]
    numbered = enumerate(pages[1:], start=2)
    assert all(f"Seite {n} von {len(pages)}" in page for n, page in numbered)


def test_a_rule_error_blocks_the_build_until_it_is_waived(tmp_path: Path):
    project = _easy_project(tmp_path / "project")
    source = project / "source" / "leichte-sprache.md"
    bad = "Die Stadt hat ein Konzept (mit Zielen)."
    source.write_text(EASY_TEXT + f"\n{bad}\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        build(project)
    line = len(EASY_TEXT.splitlines()) + 2
    assert f"leichte-sprache.md:{line}:27: LS-BRACKETS error" in str(error.value)
    assert not (project / "output").exists()  # nothing written

    waivers = project / "easy-language-waivers.toml"
    waivers.write_text(
        f'[[waiver]]\nrule = "LS-BRACKETS"\ntext = "{bad}"\nreason = "Test"\n', encoding="utf-8"
    )
    assert _files(build(project))["html"].is_file()


def test_a_waiver_without_a_reason_is_refused(tmp_path: Path):
    project = _easy_project(tmp_path / "project")
    (project / "easy-language-waivers.toml").write_text(
        '[[waiver]]\nrule = "LS-BRACKETS"\ntext = "x"\n', encoding="utf-8"
    )
    with pytest.raises(PipelineError, match="waiver 1: give rule, text"):
        build(project)


def test_a_waivers_file_with_a_single_table_is_one_clear_error(tmp_path: Path):
    project = _easy_project(tmp_path / "project")
    (project / "easy-language-waivers.toml").write_text(
        '[waiver]\nrule = "LS-BRACKETS"\ntext = "x"\nreason = "y"\n', encoding="utf-8"
    )
    with pytest.raises(PipelineError, match=r"write each waiver as a \[\[waiver\]\] table"):
        build(project)


def test_an_easy_edition_needs_its_own_text(tmp_path: Path):
    project = _easy_project(tmp_path / "project", 'de-leicht = { lang = "de", style = "easy" }')
    with pytest.raises(PipelineError, match="'easy' needs 'sources'"):
        build(project)


OWN_NAMES = 'title = "Das Integrations·konzept", version = "Fort·schreibung von 2017 und 2018"'


def test_the_easy_edition_names_itself_and_the_linter_checks_its_names(tmp_path: Path):
    project = _easy_project(tmp_path / "project", EDITION.replace(" }", f", {OWN_NAMES} }}"))
    result = build(project)
    page = _files(result)["html"].read_text(encoding="utf-8")
    assert "<h1>Das Integrations·konzept</h1>" in page
    assert "Fort·schreibung von 2017 und 2018" in page and "2017/2018" not in page
    german = next(a.path for a in result.artifacts if a.edition == "de" and a.kind == "html")
    assert "<h1>Das Integrationskonzept</h1>" in german.read_text(encoding="utf-8").replace(
        "\u00ad",
        "",  # the web page's soft hyphens
    )

    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("von 2017 und 2018", "2017/2018"), encoding="utf-8")
    line = next(n for n, x in enumerate(text.splitlines(), start=1) if "Fort·schreibung" in x)
    with pytest.raises(SourceError, match=rf"publication.toml:{line}:\d+: LS-SPECIAL-CHAR"):
        build(project)


def test_a_translated_edition_takes_its_names_from_its_catalog(tmp_path: Path):
    project = _easy_project(tmp_path / "project", 'tr = { title = "Entegrasyon" }')
    with pytest.raises(PipelineError, match=r"editions.tr.title.*come from its catalog"):
        build(project)
