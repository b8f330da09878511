"""PO catalogs through Babel: stale detection as msgmerge does it, status, approval."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.actions import approve_segments
from pipeline.catalogs import read_catalog, update_catalogs, write_catalog
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.review import edition_summaries, segment_id, status, text_hash

from .conftest import sample_with_turkish

QUOTE = "Ein Zitat aus dem Stadtrat: Wir gestalten das Zusammenleben gemeinsam."
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample with a Turkish edition whose catalog holds a draft for every segment."""
    project = sample_with_turkish(tmp_path / "p")
    path = project / "translations" / "tr.po"
    catalog = read_catalog(path, "tr")
    for message in catalog:
        if message.id:
            message.string = f"TR {message.id}"
    write_catalog(catalog, path)
    return project


def _catalog(project: Path):
    return read_catalog(project / "translations" / "tr.po", "tr")


def _statuses(project: Path) -> dict[str, str]:
    return {m.id: status(m) for m in _catalog(project) if m.id}


def _edit(project: Path, old: str, new: str, name: str = "teil-1.md") -> None:
    source = project / "source" / name
    source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_catalogs_hold_every_segment_with_location_and_kind(project: Path):
    catalog = _catalog(project)
    quote = catalog[QUOTE]
    assert quote.locations == [("source/teil-1.md", 17)]
    assert quote.auto_comments == ["kind: paragraph"]
    ids = [m.id for m in catalog if m.id]
    assert 'Mehr steht auf der <a id="1">Seite der Stadt</a>' in " ".join(ids)
    assert "Balkendiagramm: 2017 gab es 40 Angebote, 2018 gab es 55." in ids  # alt text
    assert "Jahr" in ids and "Angebote pro Jahr" in ids  # table cell and caption
    assert catalog.get("Willkommen in Musterstadt", context="title") is not None


def test_gnu_msgfmt_accepts_the_catalog(project: Path):
    path = project / "translations" / "tr.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_editing_one_paragraph_makes_only_it_stale_and_keeps_the_old_german(project: Path):
    before = _statuses(project)
    _edit(project, "aus dem Stadtrat", "aus dem neuen Stadtrat")
    (change,) = update_catalogs(load_config(project))
    assert (change.added, change.stale, change.obsolete) == (0, 1, 0)
    after = _statuses(project)
    new = QUOTE.replace("aus dem Stadtrat", "aus dem neuen Stadtrat")
    assert after.pop(new) == "stale"
    before.pop(QUOTE)
    assert after == before
    message = _catalog(project)[new]
    assert message.previous_id == [QUOTE] and message.string == f"TR {QUOTE}"
    # The previous German survives a second update and GNU gettext reads it back.
    update_catalogs(load_config(project))
    assert _catalog(project)[new].previous_id == [QUOTE]
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(project / "translations" / "tr.po")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f'#| msgid "{QUOTE}"' in fuzzy


def test_reordering_paragraphs_invalidates_nothing(project: Path):
    before = _statuses(project)
    source = project / "source" / "teil-2.md"
    text = source.read_text(encoding="utf-8")
    part, table = text.split("| Jahr", 1)[0], "| Jahr" + text.split("| Jahr", 1)[1]
    source.write_text(
        part.replace("Die Tabelle zeigt", "X")
        + table
        + "\n\nDie Tabelle zeigt die Zahl der Angebote.\n"
    )
    _edit(project, "X die Zahl der Angebote.", "", "teil-2.md")
    (change,) = update_catalogs(load_config(project))
    assert (change.stale, change.obsolete) == (0, 0)
    assert _statuses(project) == before


def test_a_removed_segment_becomes_obsolete(project: Path):
    _edit(project, f"> {QUOTE}", "")
    (change,) = update_catalogs(load_config(project))
    assert change.obsolete == 1
    assert QUOTE not in _statuses(project)
    assert f'#~ msgid "{QUOTE}"' in (project / "translations" / "tr.po").read_text()


def test_approval_records_who_and_when_and_touches_nothing_else(project: Path):
    publication = load_config(project)
    quote = _catalog(project)[QUOTE]
    text_before = (project / "translations" / "tr.po").read_text(encoding="utf-8")
    count = approve_segments(publication, "tr", "Ayşe Yılmaz", [segment_id(quote)], False, NOW)
    assert count == 1
    statuses = _statuses(project)
    assert statuses.pop(QUOTE) == "approved"
    assert set(statuses.values()) == {"draft"}
    text_after = (project / "translations" / "tr.po").read_text(encoding="utf-8")
    added = set(text_after.splitlines()) - set(text_before.splitlines())
    approval = f"Ayşe Yılmaz, 2026-11-24T12:00:00+00:00, {segment_id(quote)}"
    assert added == {f"# approved: {approval}, {text_hash(str(quote.string))}"}


def test_an_approval_by_a_long_name_survives_wrapping_and_a_note_below_stays(project: Path):
    reviewer = "Maria Magdalena Schmidt-Lüdenscheid, Integrationsbüro der Stadt Musterstadt"
    quote = _catalog(project)[QUOTE]
    approve_segments(load_config(project), "tr", reviewer, [segment_id(quote)], False, NOW)
    path = project / "translations" / "tr.po"
    text = path.read_text(encoding="utf-8")
    approval = next(line for line in text.splitlines() if line.startswith("# approved: "))
    assert reviewer in approval  # written on one line, however long
    # Another tool (xgettext, Poedit) may wrap it at 76 characters; a reviewer adds a note.
    cut = approval.rindex(" ", 0, 70)  # wrapping breaks lines at spaces
    wrapped = approval[:cut] + "\n# " + approval[cut + 1 :]
    note = "# Bitte die Zeichensetzung noch einmal prüfen."
    path.write_text(text.replace(approval, f"{wrapped}\n{note}"), encoding="utf-8")
    assert _statuses(project)[QUOTE] == "approved"
    comments = _catalog(project)[QUOTE].user_comments
    assert comments[-2:] == [approval[2:], note[2:]]


def test_a_stale_segment_cannot_be_approved_until_looked_at(project: Path):
    publication = load_config(project)
    approve_segments(publication, "tr", "Ayşe", [], True, NOW)
    _edit(project, "aus dem Stadtrat", "aus dem neuen Stadtrat")
    update_catalogs(publication)
    stale = next(m for m in _catalog(project) if status(m) == "stale")
    with pytest.raises(PipelineError, match="is stale"):
        approve_segments(publication, "tr", "Ayşe", [segment_id(stale)], False, NOW)
    catalog = _catalog(project)
    catalog[stale.id].flags.discard("fuzzy")  # what Poedit does when a reviewer accepts it
    write_catalog(catalog, project / "translations" / "tr.po")
    assert status(_catalog(project)[stale.id]) == "draft"
    approve_segments(publication, "tr", "Ayşe", [segment_id(stale)], False, NOW)
    summary = edition_summaries(publication)["tr"]
    assert summary.counts["approved"] == summary.total


def test_status_cli_table_json_and_gate(project: Path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pipeline", *args, "--project", str(project)],
            capture_output=True,
            text=True,
        )

    table = run("status")
    assert table.returncode == 0
    assert table.stdout.splitlines()[1].split() == ["tr", "0", "28", "0", "0", "0%"]
    gate = run("status", "--json", "--require", "approved")
    assert gate.returncode == 1 and "not fully approved: tr" in gate.stderr
    assert '"draft": 28' in gate.stdout
    assert run("approve", "--lang", "tr", "--reviewer", "Ayşe", "--all-drafts").returncode == 0
    assert run("status", "--require", "approved").returncode == 0


def test_a_broken_po_file_is_one_line_with_file_and_line(project: Path):
    path = project / "translations" / "tr.po"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[30] = 'msgstr "unclosed'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "status", "--project", str(project)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {path}:31: not a valid PO line")
    assert len(result.stderr.strip().splitlines()) == 1


def test_reviewers_work_is_kept_when_catalogs_are_updated(project: Path):
    approve_segments(load_config(project), "tr", "Ayşe", [], True, NOW)
    shutil.copy(project / "translations" / "tr.po", project / "before.po")
    update_catalogs(load_config(project))
    assert set(_statuses(project).values()) == {"approved"}
