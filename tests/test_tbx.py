"""TBX-Basic export and import of the termbase: valid TBX, a lossless round trip, clear errors."""

from __future__ import annotations

import csv
import io
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.glossary import load_termbase

from .conftest import REPO, copy_project

T = "{urn:iso:std:iso:30042:ed-2}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("de", "tr", "ar", "ru")
CONFIG = """title = "Testheft"
publisher = "Stadt Test"
source_language = "de"
sources = ["source/text.md"]

[editions]
de = {}
tr = {}
ar = {}
ru = {}
"""
HEADER = ["id", "status", *LANGUAGES, "use", "definition", "easy", "note", "approved"]
INTEGRATION = [
    *("integration", "preferred", "Integration", "entegrasyon", "اندماج", "интеграция", ""),
    'Das Zusammenwachsen, hier: in der Stadt "Dietzenbach".',
    "Wenn Menschen gut zusammen leben.",
    "Notiz, mit Komma",
    "tr ar",
]
DIETZENBACH = ["dietzenbach", "do-not-translate", "Dietzenbach", "", "", "", ""]
DIETZENBACH += ["", "", "Name der Stadt", "tr"]
AUSLAENDER = ["auslaender", "forbidden", "Ausländer", "yabancı", "", "иностранец", "integration"]
AUSLAENDER += ["", "", 'abwertend; "Ausländer" meiden,\nauch im Zitat', ""]
PLAN = ["2023-plan", "preferred", "Plan 2023", "2023 planı", "خطة 2023", "план 2023", ""]
PLAN += ["Der Plan <2023> & mehr.", "", "", ""]

# TBX-Basic's data categories and the levels some of them are allowed on
# (LTAC-Global/TBX-Basic_dialect, the DCA Schematron rules).
CATEGORIES = {
    "admin": {"customerSubset", "projectSubset", "source"},
    "descrip": {"context", "definition", "subjectField"},
    "ref": {"crossReference"},
    "termNote": {
        *("administrativeStatus", "partOfSpeech", "geographicalUsage"),
        *("grammaticalGender", "termLocation", "termType"),
    },
    "transac": {"transactionType"},
    "transacNote": {"responsibility"},
    "xref": {"externalCrossReference", "xGraphic"},
}
LEVELS = {
    "definition": {"conceptEntry", "langSec"},
    "crossReference": {"conceptEntry", "termSec"},
    "administrativeStatus": {"termSec"},
}
ADMINISTRATIVE_STATUSES = {
    *("preferredTerm-admn-sts", "admittedTerm-admn-sts"),
    *("deprecatedTerm-admn-sts", "supersededTerm-admn-sts"),
}


def _csv(*rows: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    (root / "source").mkdir(parents=True)
    (root / "glossary").mkdir()
    (root / "source" / "text.md").write_text("# Titel\n", encoding="utf-8")
    (root / "publication.toml").write_text(CONFIG, encoding="utf-8")
    terms = _csv(HEADER, INTEGRATION, DIETZENBACH, AUSLAENDER, PLAN)
    (root / "glossary" / "terms.csv").write_text(terms, encoding="utf-8")
    return root


def _glossary(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["glossary", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _export(capsys: pytest.CaptureFixture[str], project: Path, tbx: Path) -> None:
    code, _, err = _glossary(capsys, "export", "--tbx", str(tbx), "--project", str(project))
    assert (code, err) == (0, "")


def _assert_tbx_basic(root: ET.Element) -> None:
    """Check the TBX core structure and the TBX-Basic rules for what the export writes."""
    assert (root.tag, root.get("type"), root.get("style")) == (f"{T}tbx", "TBX-Basic", "dca")
    assert [child.tag for child in root] == [f"{T}tbxHeader", f"{T}text"]
    assert root.find(f"{T}tbxHeader/{T}fileDesc/{T}sourceDesc/{T}p") is not None
    parents = {child: parent for parent in root.iter() for child in parent}
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", str(i)) for i in ids)  # XML ids
    for element in root.iter():
        assert element.tag.startswith(T)  # DCA style: every element is TBX's
        name, kind = element.tag.removeprefix(T), element.get("type")
        if name in CATEGORIES:
            assert kind in CATEGORIES[name], (name, kind)
            assert parents[element].tag.removeprefix(T) in LEVELS.get(str(kind), {name}) | {name}
        if element.get("target"):
            assert element.get("target") in ids
        if kind == "administrativeStatus":
            assert element.text in ADMINISTRATIVE_STATUSES
    for entry in root.iter(f"{T}conceptEntry"):
        _assert_last(entry, "langSec")
        for lang_sec in entry.iter(f"{T}langSec"):
            assert lang_sec.get(XML_LANG)
            _assert_last(lang_sec, "termSec")
        for term_sec in entry.iter(f"{T}termSec"):
            # A termSec holds its term, then its termNotes, then everything else.
            tags = [child.tag.removeprefix(T) for child in term_sec]
            assert tags[0] == "term" and "term" not in tags[1:]
            rest = tags[1:]
            term_notes = next((i for i, tag in enumerate(rest) if tag != "termNote"), len(rest))
            assert "termNote" not in rest[term_notes:]


def _assert_last(element: ET.Element, tag: str) -> None:
    """Assert the children end with one or more `tag`, and nothing else comes after them."""
    tags = [child.tag.removeprefix(T) for child in element]
    assert tag in tags and set(tags[tags.index(tag) :]) == {tag}


def _lang_secs(entry: ET.Element, path: str) -> dict[str, list[str]]:
    return {
        str(lang_sec.get(XML_LANG)): [str(e.text) for e in lang_sec.findall(path)]
        for lang_sec in entry.findall(f"{T}langSec")
    }


def test_the_export_is_tbx_basic(project: Path, tmp_path: Path, capsys):
    tbx = tmp_path / "terms.tbx"
    code, out, err = _glossary(capsys, "export", "--tbx", str(tbx), "--project", str(project))
    assert (code, err) == (0, "") and "4 concepts" in out
    text = tbx.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-model href="https://')
    assert 'schematypens="http://relaxng.org/ns/structure/1.0"?>' in text
    assert 'TBX-Basic_DCA.sch" type="application/xml"' in text
    root = ET.parse(tbx).getroot()
    _assert_tbx_basic(root)
    assert root.get(XML_LANG) == "de"
    entries = root.findall(f"{T}text/{T}body/{T}conceptEntry")
    assert [e.get("id") for e in entries] == [
        "integration",
        "dietzenbach",
        "auslaender",
        "_2023-plan",
    ]
    integration, dietzenbach, auslaender, plan = entries
    status = f"{T}termSec/{T}termNote[@type='administrativeStatus']"
    assert _lang_secs(integration, status) == dict.fromkeys(LANGUAGES, ["preferredTerm-admn-sts"])
    assert _lang_secs(dietzenbach, status) == dict.fromkeys(LANGUAGES, ["preferredTerm-admn-sts"])
    forbidden = ["deprecatedTerm-admn-sts"]
    assert _lang_secs(auslaender, status) == {"de": forbidden, "tr": forbidden, "ru": forbidden}
    assert _lang_secs(plan, f"{T}termSec/{T}term")["ar"] == ["خطة 2023"]
    assert _lang_secs(integration, f"{T}termSec/{T}term")["ru"] == ["интеграция"]
    # Do-not-translate: the term stands unchanged in every language, marked on each.
    assert _lang_secs(dietzenbach, f"{T}termSec/{T}term") == dict.fromkeys(
        LANGUAGES, ["Dietzenbach"]
    )
    notes = _lang_secs(dietzenbach, f"{T}termSec/{T}note")
    assert notes["tr"] == ["do-not-translate", "approved"] and notes["ar"] == ["do-not-translate"]
    approved = {"de": [], "tr": ["approved"], "ar": ["approved"], "ru": []}
    assert _lang_secs(integration, f"{T}termSec/{T}note") == approved
    definitions = integration.findall(f"{T}langSec[@{XML_LANG}='de']/{T}descrip")
    assert [(d.get("type"), d.get(XML_LANG), d.text) for d in definitions] == [
        ("definition", None, INTEGRATION[7]),
        ("definition", "de-x-ls", INTEGRATION[8]),
    ]
    assert [n.text for n in integration.findall(f"{T}note")] == ["Notiz, mit Komma"]
    ref = auslaender.find(f"{T}ref")
    assert ref is not None and ref.attrib == {"type": "crossReference", "target": "integration"}
    assert ref.text == "Integration" and auslaender.findtext(f"{T}note") == AUSLAENDER[9]


def test_export_import_export_is_lossless(project: Path, tmp_path: Path, capsys, caplog):
    terms = project / "glossary" / "terms.csv"
    original = terms.read_bytes()
    first, second = tmp_path / "first.tbx", tmp_path / "second.tbx"
    _export(capsys, project, first)
    terms.unlink()  # the import writes every cell, not just the ones that changed
    code, out, err = _glossary(capsys, "import", "--tbx", str(first), "--project", str(project))
    assert (code, err) == (0, "") and "4 concepts from" in out
    assert terms.read_text(encoding="utf-8") == original.decode("utf-8")
    assert terms.read_bytes() == original
    _export(capsys, project, second)
    assert second.read_bytes() == first.read_bytes()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_malformed_tbx_is_one_line_and_keeps_the_csv(project: Path, tmp_path: Path, capsys):
    terms = project / "glossary" / "terms.csv"
    original = terms.read_bytes()
    tbx = tmp_path / "broken.tbx"
    _export(capsys, project, tbx)
    text = tbx.read_text(encoding="utf-8")
    tbx.write_text(text.replace("</term>", "</trem>", 1), encoding="utf-8")
    line = text[: text.index("</term>")].count("\n") + 1
    code, _, err = _glossary(capsys, "import", "--tbx", str(tbx), "--project", str(project))
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith(f"error: {tbx}:{line}: not well-formed XML: mismatched tag")
    assert terms.read_bytes() == original
    assert [p.name for p in terms.parent.iterdir()] == ["terms.csv"]  # no temporary file left


def _nth(text: str, old: str, new: str, nth: int = 1) -> str:
    """Replace the nth occurrence of `old`."""
    parts = text.split(old)
    assert len(parts) > nth
    return old.join(parts[:nth]) + new + old.join(parts[nth:])


@pytest.mark.parametrize(
    ("old", "new", "nth", "where", "message"),
    [
        (
            '<langSec xml:lang="ru">',
            '<langSec xml:lang="Russisch">',
            1,
            '<langSec xml:lang="Russisch">',
            "xml:lang 'Russisch' is not a language tag (the publication has de, tr, ar, ru)",
        ),
        (
            '<descrip type="definition">Der Plan &lt;2023&gt; &amp; mehr.</descrip>',
            "",
            1,
            '<conceptEntry id="_2023-plan">',
            "column 'definition': empty cell",
        ),
        (
            "deprecatedTerm-admn-sts",
            "preferredTerm-admn-sts",
            2,
            '<conceptEntry id="auslaender">',
            "terms with different statuses",
        ),
        (
            "<term>Dietzenbach</term>",
            "<term>Ditzenbach</term>",
            3,
            '<conceptEntry id="dietzenbach">',
            "the do-not-translate term differs in ar: 'Ditzenbach', not 'Dietzenbach'",
        ),
        (
            "preferredTerm-admn-sts",
            "forbiddenTerm-admn-sts",
            1,
            "forbiddenTerm-admn-sts",
            "administrativeStatus 'forbiddenTerm-admn-sts' is not TBX-Basic",
        ),
    ],
)
def test_a_bad_tbx_names_its_line_and_keeps_the_csv(
    project: Path, tmp_path: Path, capsys, old: str, new: str, nth: int, where: str, message: str
):
    terms = project / "glossary" / "terms.csv"
    original = terms.read_bytes()
    tbx = tmp_path / "bad.tbx"
    _export(capsys, project, tbx)
    text = _nth(tbx.read_text(encoding="utf-8"), old, new, nth)
    tbx.write_text(text, encoding="utf-8")
    line = text[: text.index(where)].count("\n") + 1
    code, _, err = _glossary(capsys, "import", "--tbx", str(tbx), "--project", str(project))
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith(f"error: {tbx}:{line}: {message}")
    assert terms.read_bytes() == original


def test_data_categories_without_a_column_are_left_out_with_a_warning(
    project: Path, tmp_path: Path, capsys, caplog
):
    terms = project / "glossary" / "terms.csv"
    original = terms.read_bytes()
    tbx = tmp_path / "from-a-tool.tbx"
    _export(capsys, project, tbx)
    text = tbx.read_text(encoding="utf-8").replace(
        "<term>Integration</term>",
        '<term>Integration</term><termNote type="partOfSpeech">noun</termNote>',
    )
    tbx.write_text(text, encoding="utf-8")
    code, _, _ = _glossary(capsys, "import", "--tbx", str(tbx), "--project", str(project))
    assert code == 0 and terms.read_bytes() == original
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        f'{tbx}: left out what terms.csv has no column for: <termNote type="partOfSpeech"> ×1'
    ]


def test_exporting_without_a_termbase_is_one_line(project: Path, tmp_path: Path, capsys):
    (project / "glossary" / "terms.csv").unlink()
    tbx = tmp_path / "terms.tbx"
    code, _, err = _glossary(capsys, "export", "--tbx", str(tbx), "--project", str(project))
    assert code == 1 and len(err.splitlines()) == 1 and "no termbase to export" in err
    assert not tbx.exists()


@pytest.mark.skipif(
    not (REPO / "glossary" / "terms.csv").is_file(), reason="no glossary/terms.csv in the repo yet"
)
def test_the_real_termbase_round_trips(tmp_path: Path, capsys):
    project = copy_project(tmp_path / "p")
    before = load_termbase(load_config(project))
    assert before is not None
    first, second = tmp_path / "first.tbx", tmp_path / "second.tbx"
    _export(capsys, project, first)
    code, _, err = _glossary(capsys, "import", "--tbx", str(first), "--project", str(project))
    assert (code, err) == (0, "")
    after = load_termbase(load_config(project))
    assert after is not None and after.languages == before.languages
    assert [replace(c, line=0) for c in after.concepts] == [
        replace(c, line=0) for c in before.concepts
    ]
    _export(capsys, project, second)
    assert second.read_bytes() == first.read_bytes()


def test_a_language_no_edition_uses_round_trips(tmp_path: Path, capsys):
    project = copy_project(tmp_path / "p")
    terms = project / "glossary" / "terms.csv"
    rows = list(csv.reader(io.StringIO(terms.read_text(encoding="utf-8"))))
    rows = [[*rows[0], "fr"], [*rows[1], "intégration"], *([*row, ""] for row in rows[2:])]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    terms.write_text(buffer.getvalue(), encoding="utf-8")
    first, second = tmp_path / "first.tbx", tmp_path / "second.tbx"
    _export(capsys, project, first)
    assert '<langSec xml:lang="fr">' in first.read_text(encoding="utf-8")
    code, _, err = _glossary(capsys, "import", "--tbx", str(first), "--project", str(project))
    assert (code, err) == (0, "")
    termbase = load_termbase(load_config(project))
    assert termbase is not None and termbase.concepts[0].terms["fr"] == "intégration"
    _export(capsys, project, second)
    assert second.read_bytes() == first.read_bytes()
