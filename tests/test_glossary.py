"""The termbase in glossary/terms.csv: reading it and reporting each problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary import read_termbase

LANGUAGES = ("de", "tr", "pl")
HEADER = "id,status,de,tr,pl,use,definition,easy,note,approved\n"
GOOD = (
    HEADER
    + "integration,preferred,Integration,entegrasyon,integracja,,"
    + '"Das Zusammenwachsen, hier: in der Stadt.",Wenn Menschen gut zusammen leben.,,tr\n'
    + "dietzenbach,do-not-translate,Dietzenbach,,,,,,Name der Stadt,\n"
    + "auslaender,forbidden,Ausländer,yabancı,,integration,,,abwertend,\n"
)


def _read(tmp_path: Path, text: str):
    path = tmp_path / "terms.csv"
    path.write_text(text, encoding="utf-8")
    return read_termbase(path, "de", LANGUAGES)


def test_a_good_termbase_is_read(tmp_path: Path):
    termbase = _read(tmp_path, GOOD)
    assert [c.id for c in termbase.concepts] == ["integration", "dietzenbach", "auslaender"]
    integration = termbase.concepts[0]
    assert integration.terms == {"de": "Integration", "tr": "entegrasyon", "pl": "integracja"}
    assert integration.approved == {"tr"} and "hier: in der Stadt" in integration.definition
    assert termbase.get("dietzenbach").term("tr") == "Dietzenbach"  # kept as it is
    assert termbase.get("auslaender").use == "integration"
    assert termbase.version("tr") != termbase.version("pl")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("zielgruppe,preferred,Zielgruppe,hedef grup,,,Wer gemeint ist.,,,", "'pl': empty cell"),
        ("zweite,preferred,integration,a,b,,X.,,,", "duplicate de term 'integration' (line 2)"),
        ("x,preferred,Leitlinie ,a,b,,X.,,,", "column 'de': leading or trailing spaces"),
        ('x,preferred,"Leit\tlinie",a,b,,X.,,,', "column 'de': a tab or line break inside a term"),
        ("x,preferred,Leitlinie,a,b,,,,,", "column 'definition': empty cell"),
        ("x,gesperrt,Leitlinie,a,b,,X.,,,", "status 'gesperrt': expected one of"),
        ("x,forbidden,Migrant,,,nichts,,,,", "'nichts' is not a preferred concept's id"),
        ("x,preferred,Leitlinie,a,b,,X.,,,fr", "'fr' is not a language of the termbase"),
        ("x,preferred,Leitlinie,a", "does not have one cell per column"),
    ],
)
def test_each_problem_names_its_line(tmp_path: Path, row: str, message: str):
    with pytest.raises(ConfigError) as error:
        _read(tmp_path, GOOD + row + "\n")
    assert "terms.csv:5: " in str(error.value) and message in str(error.value)


def test_an_unknown_language_column_is_reported(tmp_path: Path):
    with pytest.raises(ConfigError) as error:
        _read(tmp_path, GOOD.replace("pl,use", "Polnisch,use", 1))
    assert "terms.csv:1: unknown column 'Polnisch'" in str(error.value)


def test_a_language_no_edition_uses_is_kept(tmp_path: Path):
    termbase = _read(tmp_path, GOOD.replace("pl,use", "fa,use", 1))
    assert termbase.get("integration").terms["fa"] == "integracja"


def test_a_line_break_inside_a_quoted_cell_counts_for_the_next_rows(tmp_path: Path):
    text = GOOD.replace("Name der Stadt", '"Name\nder Stadt"') + "x,preferred,Leitlinie,,b,,X.,,,\n"
    with pytest.raises(ConfigError) as error:
        _read(tmp_path, text)
    assert "terms.csv:6: column 'tr': empty cell" in str(error.value)


def test_a_byte_order_mark_from_a_spreadsheet_is_fine(tmp_path: Path):
    assert len(_read(tmp_path, "\ufeff" + GOOD).concepts) == 3
