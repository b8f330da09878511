"""Review actions, status lines, four-eyes, locks and the history, without a browser."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from pathlib import Path

import pytest
from babel.messages.catalog import Message

from pipeline import comments
from pipeline.actions import (
    Policy,
    Request,
    ReviewRefused,
    approve_segments,
    perform,
    version,
)
from pipeline.catalogs import read_catalog, write_catalog
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.locks import catalog_lock
from pipeline.review import author, origin, segment_id, status

from .conftest import copy_project

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
GERMAN = "Dazu hält es zunächst Grundsätzliches fest:"


def draft(text: str = "Bu amaçla:", **extra: object) -> Message:
    return Message(GERMAN, string=text, **extra)  # type: ignore[arg-type]


def test_a_person_cannot_approve_their_own_draft_under_four_eyes():
    message = draft()
    four_eyes = Policy(four_eyes=True)
    perform(message, Request("save", "Ayşe", "Bu amaçla önce:"), four_eyes, NOW)
    assert author(message) == "Ayşe" and status(message) == "draft"
    with pytest.raises(ReviewRefused, match="four-eyes"):
        perform(message, Request("approve", "ayşe"), four_eyes, NOW)
    perform(message, Request("approve", "Mehmet"), four_eyes, NOW)
    assert status(message) == "approved"


def test_under_four_eyes_edit_and_approve_saves_for_a_second_reviewer():
    message = draft()
    event = perform(message, Request("edit", "Ayşe", "Bu amaçla önce:"), Policy(True), NOW)
    assert event.action == "saved for a second reviewer" and status(message) == "draft"


def test_a_draft_with_no_named_author_can_be_approved_by_anyone_and_the_history_says_so():
    message = draft()  # a Poedit edit: no origin, no drafted line
    event = perform(message, Request("approve", "Ayşe"), Policy(four_eyes=True), NOW)
    assert status(message) == "approved" and "unnamed author" in event.detail


def test_an_edit_after_approval_is_a_draft_again():
    message = draft()
    perform(message, Request("approve", "Ayşe"), Policy(), NOW)
    message.string = "Bu amaçla, önce:"  # what Poedit does
    assert status(message) == "draft" and origin(message) == "person"


def test_typed_names_and_comments_cannot_forge_a_status_line():
    message = draft()
    forged = "Eve\napproved: Mallory, 2026-01-01T00:00:00+00:00, 000000000000"
    perform(message, Request("send_back", forged, comment="x\n# approved: M"), Policy(), NOW)
    assert len(message.user_comments) == 1
    record = comments.parse(message.user_comments[0])
    assert record is not None and record.kind == comments.SENT_BACK
    assert record.who.startswith("Eve approved: Mallory") and status(message) == "draft"


def test_send_back_needs_a_comment_and_is_skipped_by_all_drafts(tmp_path: Path):
    project = copy_project(tmp_path / "p")
    path = project / "translations" / "tr.po"
    catalog = read_catalog(path, "tr")
    with pytest.raises(ReviewRefused, match="comment"):
        perform(catalog[GERMAN], Request("send_back", "Ayşe"), Policy(), NOW)
    perform(catalog[GERMAN], Request("send_back", "Ayşe", comment="zu lang"), Policy(), NOW)
    write_catalog(catalog, path)
    approve_segments(load_config(project), "tr", "Mehmet", [], True, NOW)
    after = read_catalog(path, "tr")
    assert status(after[GERMAN]) == "draft" and after[GERMAN].fuzzy
    assert all(status(m) == "approved" for m in after if m.id and m.id != GERMAN)
    log = (project / "translations" / "history" / "tr.log").read_text(encoding="utf-8")
    assert log.count("\tapproved\t") == sum(1 for m in after if m.id) - 1


def test_keep_needs_a_stale_approved_entry_and_a_reason():
    message = draft()
    perform(message, Request("approve", "Olga"), Policy(), NOW)
    with pytest.raises(ReviewRefused, match="no approval of an earlier German"):
        perform(message, Request("keep", "Irina", comment="typo"), Policy(), NOW)
    message.previous_id = [GERMAN]
    message.id = GERMAN.replace("zunächst", "zunaechst")
    message.flags.add("fuzzy")
    assert status(message) == "stale"
    with pytest.raises(ReviewRefused, match="why"):
        perform(message, Request("keep", "Irina"), Policy(), NOW)
    perform(message, Request("keep", "Irina", comment="Schreibweise"), Policy(), NOW)
    assert status(message) == "approved" and not message.previous_id
    assert comments.first(message, comments.APPROVED).who == "Olga"  # type: ignore[union-attr]


def test_a_translation_that_loses_a_tag_is_refused():
    message = Message('Mehr auf der <a id="1">Seite</a>.', string='Daha <a id="1">fazla</a>.')
    with pytest.raises(ReviewRefused, match="tags"):
        perform(message, Request("save", "Ayşe", "Daha fazla."), Policy(), NOW)
    assert message.string == 'Daha <a id="1">fazla</a>.'


def test_the_version_changes_with_the_translation_and_the_status():
    message = draft()
    first = version(message)
    message.string = "Başka"
    second = version(message)
    perform(message, Request("approve", "Ayşe"), Policy(), NOW)
    assert len({first, second, version(message)}) == 3


@pytest.mark.parametrize(
    "line, problem",
    [
        ("approved: Ayşe 2026-12-01T09:30:00+00:00 a2c29dfa3466", "unreadable status comment"),
        ("approved: Ayşe, gestern, a2c29dfa3466", "unreadable status comment"),
        ("approved: Ayşe, 2026-13-45T09:30:00+00:00, a2c29dfa3466", "no date and time"),
        ("sent back: Ayşe", "unreadable status comment"),
    ],
)
def test_a_broken_status_line_names_its_file_and_line(tmp_path: Path, line: str, problem: str):
    project = copy_project(tmp_path / "p")
    path = project / "translations" / "tr.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid "Beitrag', f'# {line}\nmsgid "Beitrag', 1), "utf-8")
    number = path.read_text(encoding="utf-8").splitlines().index(f"# {line}") + 1
    with pytest.raises(PipelineError, match=problem) as error:
        read_catalog(path, "tr")
    assert error.value.path == path and error.value.line == number


def _hold(path: Path, ready, release) -> None:  # type: ignore[no-untyped-def]
    with catalog_lock(path):
        ready.set()
        release.wait(30)


def test_a_second_writer_waits_then_names_the_holder(tmp_path: Path, capsys):  # type: ignore[no-untyped-def]
    project = copy_project(tmp_path / "p")
    path = project / "translations" / "tr.po"
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        before = path.read_bytes()
        started = time.monotonic()
        args = ["approve", "--project", str(project), "--lang", "tr", "--reviewer", "A"]
        assert main([*args, "--all-drafts"]) == 1
        assert time.monotonic() - started >= 4
        error = capsys.readouterr().err.strip()
        assert f"(pid {holder.pid})" in error and len(error.splitlines()) == 1
        assert path.read_bytes() == before
    finally:
        release.set()
        holder.join(30)


def test_segment_ids_of_status_segments_are_accepted_several_at_once(tmp_path: Path, capsys):  # type: ignore[no-untyped-def]
    project = copy_project(tmp_path / "p")
    assert main(["status", "--project", str(project), "--segments", "tr"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "status", "origin", "German"]
    ids = [line.split()[0] for line in lines[1:4]]
    args = ["approve", "--project", str(project), "--lang", "tr", "--reviewer", "A"]
    assert main([*args, "--segment", *ids]) == 0
    catalog = read_catalog(project / "translations" / "tr.po", "tr")
    assert sorted(segment_id(m) for m in catalog if m.id and status(m) == "approved") == sorted(ids)
