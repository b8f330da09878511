from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError

from .conftest import REPO, copy_sample


def test_the_project_config_is_valid():
    publication = load_config(REPO)
    assert publication.publisher == "Stadt Dietzenbach"
    assert publication.version == "Fortschreibung 2017/2018"
    ids = ["de", "en-GB", "tr", "ar", "pl", "ru", "uk", "de-leicht"]
    assert [e.id for e in publication.editions] == ids
    assert {e.id: e.dir for e in publication.editions}["ar"] == "rtl"
    easy = publication.editions[-1]
    assert easy.lang == "de" and easy.style == "easy" and easy.own_text
    assert easy.checked_by == "" and easy.checked_on is None  # no test readers yet
    assert publication.editions[0].formats == ("html", "pdf", "epub")


def test_every_error_is_reported_at_once_with_file_line_and_key(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('title = "Willkommen in Musterstadt"', "title = 3")
    text = text.replace('formats = ["html", "pdf", "epub"]', 'formats = ["html", "docx"]')
    text = text.replace('source_language = "de"', 'source_language = "xx-nowhere"\ncolour = 1')
    config.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_config(project)

    lines = str(caught.value).splitlines()
    assert len(lines) == 4, lines
    assert f"{config}:2: Config value 'title': expected a non-empty text" in lines
    assert any(":7: Config value 'source_language': unknown language tag" in x for x in lines)
    assert any(":8: Config value 'colour': unknown key" in x for x in lines)
    assert any(":22: Config value 'editions.de.formats'" in x for x in lines)


def test_a_missing_source_file_is_named(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    (project / "source" / "teil-2.md").unlink()
    with pytest.raises(ConfigError, match="file 'source/teil-2.md' does not exist"):
        load_config(project)


def test_toml_syntax_errors_name_the_line(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "\n[policies\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(project)
    line = len(text.splitlines()) + 2
    assert str(caught.value).startswith(f"{config}:{line}: not valid TOML")


def test_right_to_left_languages_are_recognised(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    config = project / "publication.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[editions.ar]\nlang = "ar"\n', encoding="utf-8"
    )
    editions = {e.id: e for e in load_config(project).editions}
    assert editions["ar"].dir == "rtl"
    assert editions["de"].dir == "ltr"


@pytest.mark.parametrize("lang", ["tr", "ar", "uk", "en-GB"])
def test_formality_more_is_refused_where_deepl_has_none(tmp_path: Path, lang: str):
    import shutil

    from .conftest import SAMPLE

    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f'\n[editions.{lang}]\nformality = "more"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(project)
    line = text.count("\n") + 3
    assert error.value.problems == [
        (
            line,
            f"Config value 'editions.{lang}.formality': DeepL offers 'more' only for de, fr, "
            "it, es, nl, pl, pt-BR, pt-PT, ja, ru; use 'prefer_more', which other languages "
            "ignore",
        )
    ]
