"""The accessibility statement: its contact, its enforcement body, and a status from the checks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape

from pipeline.build import BuildResult, build
from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.i18n import translations

from .conftest import copy_sample

SLUG = "willkommen-in-musterstadt"
# Every language with an interface catalog, right-to-left Arabic among them, and en-GB.
LANGUAGES = ("tr", "ar", "pl", "ru", "uk", "en-GB")


def _config(project: Path) -> Path:
    return project / "publication.toml"


def _with_editions(project: Path, languages: tuple[str, ...]) -> Path:
    """Add web-only editions (an empty catalog each) to a copy of the sample."""
    from pipeline.catalogs import update_catalogs

    config = _config(project)
    text = config.read_text(encoding="utf-8")
    added = "".join(f'\n[editions.{lang}]\nformats = ["html"]\n' for lang in languages)
    config.write_text(text + added, encoding="utf-8")
    update_catalogs(load_config(project))
    return project


@pytest.fixture(scope="module")
def languages_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The sample with an edition in every interface language, built once."""
    return build(_with_editions(copy_sample(tmp_path_factory.mktemp("st") / "p"), LANGUAGES))


def _main(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index("<main") : text.index("</footer>")]


@pytest.mark.parametrize("lang", ("de", *LANGUAGES))
def test_the_statement_names_contact_and_enforcement_body_in_the_editions_language(
    languages_build: BuildResult, lang: str
):
    page = languages_build.output / lang / "accessibility.html"
    text = page.read_text(encoding="utf-8")
    assert re.search(rf'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">', text)
    main = _main(page)

    def _(message: str) -> str:
        return str(escape(translations(lang).gettext(message)))

    for heading in ("Accessibility statement", "Feedback and contact", "Enforcement procedure"):
        assert _(heading) in main
    if lang != "en-GB":  # every interface string of it comes from the language's catalog
        assert 'lang="en"' not in main
        assert _("Accessibility statement") != "Accessibility statement"
    assert '<a dir="ltr" href="mailto:integration@musterstadt.example">' in main
    assert '<a dir="ltr" href="tel:01234567-0">01234 567-0</a>' in main
    # The names are German, and marked so in every edition.
    assert '<dd><span lang="de" dir="ltr">Marktplatz 1, 12345 Musterstadt</span></dd>' in main
    assert 'href="https://schlichtung.example/antrag" lang="de" dir="ltr">Schlichtungs' in main
    # Not checked yet: a build alone claims nothing.
    unchecked = (
        "This edition has not been checked since it last changed, so how far it meets the"
        " requirements (WCAG 2.2 level AA, EN 301 549, BITV 2.0) is not known yet."
    )
    assert _(unchecked) in main


def test_every_web_page_links_its_statement(languages_build: BuildResult):
    output = languages_build.output
    for lang in ("de", *LANGUAGES):
        page = (output / lang / f"{SLUG}.html").read_text(encoding="utf-8")
        label = translations(lang).gettext("Accessibility statement")
        assert f'<a href="accessibility.html">{label}</a>' in page
        landing = (output / "index.html").read_text(encoding="utf-8")
        assert f'<a href="{lang}/accessibility.html">{label}</a>' in landing
    # The PDF's source page names the address to write to.
    assert "integration@musterstadt.example" in (output / "de" / f"{SLUG}.html").read_text()


def test_without_a_contact_every_edition_is_a_draft_and_the_build_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from pipeline.cli import main

    project = copy_sample(tmp_path / "p")
    config = _config(project)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('email = "integration@musterstadt.example"\n', ""), "utf-8")
    assert main(["-q", "build", "--project", str(project)]) == 0
    said = capsys.readouterr().out
    assert "publication.toml: [accessibility] has no email: every edition is published" in said
    output = project / "output"
    page = (output / "de" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<p class="draft-label"><strong>Noch nicht freigegeben</strong></p>' in page
    assert "Um eine Barriere zu melden" not in page
    landing = (output / "index.html").read_text(encoding="utf-8")
    assert "Noch nicht freigegeben: Die Erklärung zur Barrierefreiheit nennt noch keinen" in landing
    statement = _main(output / "de" / "accessibility.html")
    assert "noch keine E-Mail-Adresse genannt" in statement and "mailto:" not in statement


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('email = "integration(at)musterstadt"', "'accessibility.email': expected an e-mail"),
        ('enforcement_url = "http://x.example"', "'accessibility.enforcement_url': expected an"),
        ("date = 2026", "'accessibility.date': expected a date"),
        ('fax = "1"', "'accessibility.fax': unknown key"),
    ],
)
def test_a_bad_accessibility_value_is_a_config_error_naming_its_line(
    tmp_path: Path, line: str, message: str
):
    project = copy_sample(tmp_path / "p")
    config = _config(project)
    text = config.read_text(encoding="utf-8")
    key = line.split(" =")[0]
    head, rest = text.split("[accessibility]\n")
    table, tail = rest.split("\n\n", 1)
    table = re.sub(rf"^{key} = .*$", line, table, flags=re.M)
    if line not in table:
        table += "\n" + line
    text = f"{head}[accessibility]\n{table}\n\n{tail}"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(project)
    number = text.splitlines().index(line) + 1
    assert f"{config}:{number}: Config value {message}" in str(caught.value)


def test_the_project_names_its_enforcement_body_and_waits_for_the_citys_address():
    statement = load_config(Path(__file__).parent.parent).accessibility
    assert statement.enforcement_url.startswith("https://lbit.hessen.de/")
    assert statement.missing == ("email",)  # not invented: the city office gives it


def test_a_build_keeps_the_checked_statement_of_an_edition_it_did_not_make_anew(
    languages_build: BuildResult, tmp_path: Path
):
    import polib

    from pipeline.manifest import Manifest

    project = tmp_path / "project"
    shutil.copytree(languages_build.output.parent, project)
    output = project / "output"
    statement = output / "de" / "accessibility.html"
    # As publish leaves it after its checks: a status of its own, recorded in the manifest.
    unchecked = "Diese Ausgabe wurde seit ihrer letzten Änderung noch nicht geprüft."
    checked = statement.read_text(encoding="utf-8").replace(unchecked, "Geprüft.")
    statement.write_text(checked, encoding="utf-8")
    Manifest.read(output).replaced("de/accessibility.html", statement).write(output)
    # A Turkish draft: only the Turkish edition is made anew.
    catalog = polib.pofile(str(project / "translations" / "tr.po"))
    entry = next(e for e in catalog if e.msgid and not e.msgctxt)
    entry.msgstr = "Merhaba"
    catalog.save()
    result = build(project)
    assert {name.split("/")[0] for name in result.rendered} == {"tr"}
    assert statement.read_text(encoding="utf-8") == checked
    turkish = (output / "tr" / "accessibility.html").read_text(encoding="utf-8")
    assert "Bu baskı son değişikliğinden bu yana henüz kontrol edilmedi" in turkish
