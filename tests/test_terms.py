"""Terminology: inflected term matching, check terms, the post-check and approval overrides.

The labelled cases in tests/terms_cases/ use their own small termbase (terms.csv there), so
that they do not change when the project's glossary does.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.actions import OpenTermFindings, approve_segments
from pipeline.catalogs import read_catalog, write_catalog
from pipeline.checks.conformance import Report, _as_json
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.glossary import Termbase, read_termbase
from pipeline.review import (
    segment_id,
    status,
    term_issues,
    terminology_report,
)
from pipeline.terms import SegmentChecker, TermFinding, TermIndex, analyzer, source_index

from .conftest import copy_project

CASES = Path(__file__).parent / "terms_cases"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
HEADING = "Was ist ein Integrationskonzept?"


def cases_termbase() -> Termbase:
    """Read the labelled cases' termbase (German, Turkish, Polish)."""
    return read_termbase(CASES / "terms.csv", "de", ("de", "tr", "pl"))


@dataclass(frozen=True)
class Score:
    """How the checker did on one language's labelled cases."""

    cases: int
    precision: float
    recall: float
    wrong: list[str]


def evaluate(lang: str, termbase: Termbase | None = None) -> Score:
    """Score the term check on tests/terms_cases/<lang>.tsv.

    de.tsv: is the concept found in the German sentence (the matcher that `check terms`
    and the post-check use); tr.tsv and pl.tsv: does the post-check report a finding.
    """
    termbase = termbase or cases_termbase()
    with open(CASES / f"{lang}.tsv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    if lang == "de":
        index = source_index(termbase)
        labelled = [
            (row["found"], row["concept"] in {m.concept.id for m in index.find(row["sentence"])})
            for row in rows
        ]
        shown = [row["sentence"] for row in rows]
    else:
        checker = SegmentChecker(termbase, lang)
        labelled = [(row["finding"], bool(checker.check(row["de"], row[lang]))) for row in rows]
        shown = [row[lang] for row in rows]
    tp = sum(label == "yes" and said for label, said in labelled)
    fp = sum(label == "no" and said for label, said in labelled)
    fn = sum(label == "yes" and not said for label, said in labelled)
    wrong = [
        text
        for text, (label, said) in zip(shown, labelled, strict=True)
        if said != (label == "yes")
    ]
    return Score(
        len(rows), tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, wrong
    )


@pytest.mark.parametrize("lang", ["de", "tr", "pl"])
def test_precision_and_recall_on_the_labelled_cases(lang: str):
    score = evaluate(lang)
    assert score.cases >= 40
    assert score.precision >= 0.9, score.wrong
    assert score.recall >= 0.9, score.wrong


def test_turkish_capitals_keep_the_dot_of_the_i():
    turkish = analyzer("tr")
    assert turkish.keys("İLKELER") == turkish.keys("ilkeler")
    assert turkish.keys("IRAK") == turkish.keys("ırak") != turkish.keys("irak")


def test_a_longer_term_wins_and_a_compound_matches_by_its_last_part():
    termbase = cases_termbase()
    index = source_index(termbase)
    found = [
        m.concept.id for m in index.find("Integrationspolitik, Integration, Jugendzielgruppen")
    ]
    assert found == ["integrationspolitik", "integration", "zielgruppe"]
    text = "Die Fortschreibung des <em>Integrationskonzeptes</em> &amp; mehr"
    (match,) = source_index(termbase).find(text)
    assert text[match.start : match.end] == "Integrationskonzeptes"


def test_ukrainian_without_a_stemmer_matches_lemmas_and_short_endings():
    termbase = cases_termbase()
    concept = termbase.get("integrationskonzept")
    assert concept is not None
    index = TermIndex("uk", [(concept, "концепція інтеграції"), (concept, "Дітценбах")])
    found = index.find("Концепцією інтеграції Дітценбаха пишається Дітценбахівщина.")
    assert [m.term for m in found] == ["концепція інтеграції", "Дітценбах"]


def test_the_post_check_names_what_is_missing_forbidden_or_translated():
    checker = SegmentChecker(cases_termbase(), "tr")
    assert checker.check("Das Integrationskonzept", "Entegrasyon planı") == [
        TermFinding(
            "integrationskonzept", "missing 'entegrasyon konsepti' for 'Integrationskonzept'"
        ),
        TermFinding(
            "integrationsplan", "forbidden 'entegrasyon planı': use 'entegrasyon konsepti'"
        ),
    ]
    assert checker.check("„Dietzenbach in Bewegung“", "„Hareket Halindeki Dietzenbach“") == [
        TermFinding(
            "dietzenbach-in-bewegung", "missing 'Dietzenbach in Bewegung' (do not translate)"
        )
    ]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project with the labelled cases' termbase as its glossary.

    Without the do-not-translate title, which this project's drafts translate, so that the
    Turkish catalog starts without findings.
    """
    project = copy_project(tmp_path / "p")
    rows = (CASES / "terms.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [row for row in rows if not row.startswith("dietzenbach-in-bewegung,")]
    (project / "glossary" / "terms.csv").write_text("".join(kept), encoding="utf-8")
    return project


def _set_translation(project: Path, msgid: str, text: str) -> str:
    path = project / "translations" / "tr.po"
    catalog = read_catalog(path, "tr")
    catalog[msgid].string = text
    write_catalog(catalog, path)
    return segment_id(catalog[msgid])


def _comments(project: Path, msgid: str) -> list[str]:
    return read_catalog(project / "translations" / "tr.po", "tr")[msgid].user_comments


def test_check_terms_names_file_line_and_column(project: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["check", "terms", "--project", str(project)]) == 0
    source = project / "source" / "integrationskonzept.md"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[4:4] = ["Wir beraten Ausländern, siehe [die Seite](https://example.org/Ausländer).", ""]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "terms", "--project", str(project)]) == 1
    out = capsys.readouterr().out
    assert f"{source}:5:13: forbidden term 'Ausländer': use 'Zugewanderte'" in out
    assert out.count("forbidden term '") == 1  # not in the link target
    assert "1 forbidden term(s) in the source" in out


def test_findings_become_comments_refreshed_not_repeated_and_removed(project: Path):
    _set_translation(project, HEADING, "Entegrasyon planı nedir?")
    for _ in range(2):
        assert main(["catalogs", "--project", str(project)]) == 0
        assert [c for c in _comments(project, HEADING) if c.startswith("term: ")] == [
            "term: missing 'entegrasyon konsepti' for 'Integrationskonzept'",
            "term: forbidden 'entegrasyon planı': use 'entegrasyon konsepti'",
        ]
    _set_translation(project, HEADING, "Entegrasyon konsepti nedir?")
    before = (project / "translations" / "tr.po").read_bytes()
    assert main(["check", "terms", "--project", str(project)]) == 0
    assert (project / "translations" / "tr.po").read_bytes() == before  # a check only reads
    assert main(["catalogs", "--project", str(project)]) == 0
    assert not [c for c in _comments(project, HEADING) if c.startswith("term")]


def test_a_long_finding_is_written_on_one_line(project: Path):
    path = project / "translations" / "tr.po"
    catalog = read_catalog(path, "tr")
    long = "missing '" + "çok uzun bir terim " * 6 + "' for 'Integrationskonzept'"
    catalog[HEADING].user_comments.append(TermFinding("x", long).comment)
    write_catalog(catalog, path)
    assert f"# term: {long}" in path.read_text(encoding="utf-8")  # never wrapped
    assert _comments(project, HEADING)[-1] == f"term: {long}"


def test_approval_with_open_findings_needs_a_reason(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    segment = _set_translation(project, HEADING, "Entegrasyon planı nedir?")
    approve = ["approve", "--project", str(project), "--lang", "tr", "--reviewer", "Ayşe"]
    assert main([*approve, "--segment", segment]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and f"segment {segment} not approved" in error[0]
    assert "--override" in error[0]
    assert status(read_catalog(project / "translations" / "tr.po", "tr")[HEADING]) == "draft"
    main(["status", "--json", "--project", str(project)])
    assert json.loads(capsys.readouterr().out)["tr"]["term_findings"] == 2

    reason = "Plan is the name the city council uses"
    assert main([*approve, "--segment", segment, "--override", reason]) == 0
    main(["catalogs", "--project", str(project)])
    comments = _comments(project, HEADING)
    assert f"term override: {reason}" in comments
    assert sum(c.startswith("term: ") for c in comments) == 2  # still shown to translators
    capsys.readouterr()
    main(["status", "--json", "--project", str(project)])
    assert json.loads(capsys.readouterr().out)["tr"]["term_findings"] == 0


def test_approving_every_draft_approves_those_without_findings(project: Path):
    _set_translation(project, HEADING, "Entegrasyon planı nedir?")
    publication = load_config(project)
    with pytest.raises(OpenTermFindings) as refused:
        approve_segments(publication, "tr", "Ayşe", [], True, NOW)
    catalog = read_catalog(project / "translations" / "tr.po", "tr")
    drafts = [m for m in catalog if m.id and status(m) == "draft"]
    assert [m.id for m in drafts] == [HEADING]
    assert refused.value.approved == sum(1 for m in catalog if m.id and status(m) == "approved")
    assert refused.value.approved > 10


def test_the_report_has_a_terminology_section(project: Path):
    _set_translation(project, HEADING, "Entegrasyon planı nedir?")
    terminology = terminology_report(load_config(project))
    assert terminology is not None
    editions = terminology["editions"]
    assert isinstance(editions, dict) and editions["tr"]["open"] == 2
    issues = term_issues(load_config(project)) or []
    assert [i.segment for i in issues if i.edition == "tr"] == [segment_id_of(project)]
    data = _as_json(Report(project / "report.json", {}, (), terminology), project)
    assert data["terminology"] == terminology


def segment_id_of(project: Path) -> str:
    """Return the segment id of the first heading in the Turkish catalog."""
    return segment_id(read_catalog(project / "translations" / "tr.po", "tr")[HEADING])
