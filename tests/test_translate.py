"""Machine drafts from the real `deepl` client, over HTTP, against the test DeepL server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.catalogs import read_catalog
from pipeline.cli import main
from pipeline.mt.translate import MAX_BODY, MAX_TEXTS, batches
from pipeline.review import origin, status
from pipeline.segments import same_markup

from .conftest import REPO, copy_project, sample_with_turkish
from .deepl_server import TEST_KEY, DeepLServer

EDITIONS = {"en-GB": "EN-GB", "tr": "TR", "ar": "AR", "pl": "PL", "ru": "RU", "uk": "UK"}
EDITED = ("einen wichtigen Beitrag", "einen großen Beitrag")


def _untranslated_project(target: Path) -> Path:
    """This project with no catalogs yet: every segment is missing."""
    project = copy_project(target)
    for catalog in (project / "translations").glob("*.po"):
        catalog.unlink()
    return project


def _translate(project: Path, *args: str) -> int:
    return main(["translate", *args, "--project", str(project)])


def _catalog(project: Path, edition: str):
    return read_catalog(project / "translations" / f"{edition}.po", edition)


def _billed_by_target(server: DeepLServer, since: int = 0) -> dict[str, int]:
    billed: dict[str, int] = {}
    for request in server.translate_requests()[since:]:
        target = str(request.target_lang)
        billed[target] = billed.get(target, 0) + (request.billed_characters or 0)
    return billed


def test_translate_all_fills_every_segment_once_and_bills_an_edit_once(
    tmp_path: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    project = _untranslated_project(tmp_path / "project")
    assert _translate(project, "--all") == 0
    first = server.translate_requests()
    for edition, target in EDITIONS.items():
        catalog = _catalog(project, edition)
        entries = [m for m in catalog if m.id]
        assert {status(m) for m in entries} == {"draft"}
        assert {origin(m) for m in entries} == {"machine"}
        assert all(m.string == f"[{target}] {m.id}" for m in entries)
        billed = sum(len(str(m.id)) for m in entries)
        assert _billed_by_target(server)[target] == billed
    assert all(r.params["source_lang"] == "DE" for r in first)
    assert {r.params["formality"] for r in first} == {"prefer_more"}
    assert all(r.params["tag_handling"] == "xml" for r in first)
    summary = capsys.readouterr().out
    assert f"{len(first)} request(s)" in summary

    assert _translate(project, "--all") == 0  # nothing changed: nothing is sent
    assert len(server.translate_requests()) == len(first)

    source = project / "source" / "integrationskonzept.md"
    source.write_text(source.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")
    assert _translate(project, "--all") == 0
    edited = next(m.id for m in _catalog(project, "tr") if m.id and EDITED[1] in m.id)
    assert _billed_by_target(server, since=len(first)) == {
        target: len(edited) for target in EDITIONS.values()
    }
    # The neighbouring paragraphs go along as context, which DeepL does not bill.
    german = source.read_text(encoding="utf-8")
    for request in server.translate_requests()[len(first) :]:
        assert request.params["context"] and all(
            line in german for line in request.params["context"].splitlines()
        )
    redone = _catalog(project, "tr")[edited]
    assert status(redone) == "draft" and origin(redone) == "machine"
    # The draft it replaces stays visible to the reviewer, and so does the old German.
    assert any(c.startswith("previous translation: [TR] ") for c in redone.user_comments)
    assert EDITED[0] in redone.previous_id[0]


def test_approved_segments_and_peoples_drafts_are_never_touched(
    tmp_path: Path, server: DeepLServer
):
    project = copy_project(tmp_path / "project")  # the catalogs of people's drafts
    path = project / "translations" / "pl.po"
    ids = [m.id for m in _catalog(project, "pl") if m.id and not m.context]
    approve = ["approve", "--lang", "pl", "--reviewer", "Anna", "--all-drafts"]
    # Some drafts miss a glossary term: approving them needs a written reason.
    assert main([*approve, "--override", "checked", "--project", str(project)]) == 0
    approved = {m.id: m.string for m in _catalog(project, "pl") if m.id}
    source = project / "source" / "integrationskonzept.md"
    source.write_text(source.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")

    assert _translate(project, "--lang", "pl", "--lang", "tr") == 0
    requests = server.translate_requests()
    assert [len(r.texts) for r in requests] == [1, 1]  # the edited paragraph, for pl and tr
    assert all(EDITED[1] in r.texts[0] for r in requests)
    catalog = read_catalog(path, "pl")
    for message in catalog:
        if message.id and EDITED[1] not in message.id:
            assert status(message) == "approved" and message.string == approved[message.id]
    redone = next(m for m in catalog if m.id and EDITED[1] in m.id)
    old = approved[next(i for i in ids if EDITED[0] in i)]
    # The approved translation stays; DeepL's draft for the new German is a suggestion.
    assert redone.string == old and status(redone) == "stale"
    suggestion = [c for c in redone.user_comments if c.startswith("machine suggestion: ")]
    assert len(suggestion) == 1 and EDITED[1] in suggestion[0]  # of the new German
    assert any(c.startswith("approved: Anna, ") for c in redone.user_comments)
    assert _translate(project, "--lang", "pl") == 0  # a suggestion is never asked for twice
    assert len(server.translate_requests()) == 2
    tr = [m for m in _catalog(project, "tr") if m.id]  # people's drafts stay as they are
    assert [origin(m) for m in tr].count("machine") == 1


def test_markup_round_trips_and_a_broken_draft_is_not_saved(
    tmp_path: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    project = sample_with_turkish(tmp_path / "good")
    assert _translate(project, "--all") == 0
    tagged = [m for m in _catalog(project, "tr") if m.id and "<" in m.id]
    only_tags = [m for m in tagged if m.id == '<img id="1"/>']  # an image alone: no text
    assert only_tags and not only_tags[0].string  # never sent, never billed
    assert not any('<img id="1"/>' in r.texts for r in server.translate_requests())
    tagged = [m for m in tagged if m not in only_tags]
    log = (project / "translations" / "history" / "tr.log").read_text(encoding="utf-8")
    assert log.count("\tmachine draft\t") == sum(
        1 for m in _catalog(project, "tr") if m.id and m.string
    )
    assert tagged and all(same_markup(str(m.id), str(m.string)) for m in tagged)
    assert main(["build", "--project", str(project)]) == 0  # drafts that fit the German

    server.break_markup = True
    broken = sample_with_turkish(tmp_path / "broken")
    assert _translate(broken, "--all") == 0
    assert "lost their markup" in capsys.readouterr().err
    catalog = _catalog(broken, "tr")
    for message in (m for m in catalog if m.id and "</" in m.id):
        assert status(message) == "missing"
        assert any(c.startswith("machine draft lost its markup") for c in message.user_comments)
    sent = len(server.translate_requests())
    assert _translate(broken, "--all") == 0  # remembered: not billed again
    assert len(server.translate_requests()) == sent


def test_requests_stay_under_fifty_texts_and_128_kib(tmp_path: Path, server: DeepLServer):
    project = sample_with_turkish(tmp_path / "project")
    server.character_limit = 10_000_000
    paragraphs = [f"Absatz {n}: " + "Größere Übung für Ämter. " * (20 + n * 5) for n in range(100)]
    (project / "source" / "teil-2.md").write_text(
        "# Viele Absätze\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
    )
    assert _translate(project, "--lang", "tr") == 0
    requests = server.translate_requests()
    assert len(requests) > 3
    assert max(len(r.texts) for r in requests) <= MAX_TEXTS
    assert max(r.body_bytes for r in requests) <= MAX_BODY
    assert max(r.body_bytes for r in requests) > MAX_BODY * 0.7  # the limit is really used
    # Every segment with words is sent once: not the header, nor the image alone.
    assert sum(len(r.texts) for r in requests) == len({m.id for m in _catalog(project, "tr")}) - 2


def test_batches_split_by_count_and_by_encoded_size():
    small = [f"Satz {n}." for n in range(120)]
    assert [len(b) for b in batches(small, {})] == [50, 50, 20]
    # Non-ASCII is escaped in JSON: 20 000 "ü" weigh 120 000 bytes, not 20 000.
    large = ["ü" * 20_000] * 3
    assert [len(b) for b in batches(large, {})] == [1, 1, 1]


def test_dry_run_prints_the_bill_and_the_quota_and_sends_nothing(
    tmp_path: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    project = _untranslated_project(tmp_path / "project")
    server.character_count = 1000
    assert _translate(project, "--all", "--dry-run") == 0
    out = capsys.readouterr().out
    entries = _catalog_template(project)
    characters = sum(len(text) for text in entries)
    for edition in EDITIONS:
        assert f"{edition}: {len(entries)} segment(s) to fill, {characters} characters" in out
    assert f"quota left: {server.character_limit - 1000} characters" in out
    assert server.translate_requests() == []
    assert not list((project / "translations").glob("*.po"))  # nothing written


def _catalog_template(project: Path) -> list[str]:
    from pipeline.catalogs import template
    from pipeline.config import load_config

    return [str(m.id) for m in template(load_config(project)) if m.id]


def test_429_and_5xx_are_retried(tmp_path: Path, server: DeepLServer):
    project = _untranslated_project(tmp_path / "project")
    server.fail(429, times=1)
    server.fail(503, times=2, after=2)
    assert _translate(project, "--all") == 0
    statuses = [r.status for r in server.translate_requests()]
    assert statuses.count(429) == 1 and statuses.count(503) == 2
    assert statuses.count(200) == len(EDITIONS)


def test_a_quota_stop_halfway_loses_nothing_and_the_next_run_bills_only_the_rest(
    tmp_path: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    project = _untranslated_project(tmp_path / "project")
    server.fail(456, times=None, after=3)
    assert _translate(project, "--all") == 1
    err = capsys.readouterr().err  # the progress lines, then one error line
    assert err.count("error: ") == 1 and "quota" in err.splitlines()[-1]
    saved = sorted(p.stem for p in (project / "translations").glob("*.po"))
    assert saved == ["ar", "en-GB", "tr"]  # what arrived before the stop is saved
    for edition in saved:
        assert {status(m) for m in _catalog(project, edition) if m.id} == {"draft"}
    paid = server.billed_characters()

    server.clear_faults()
    assert _translate(project, "--all") == 0
    total = sum(len(text) for text in _catalog_template(project)) * len(EDITIONS)
    assert server.billed_characters() == total  # the second run paid only for the rest
    assert server.billed_characters() - paid == total - paid


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("key", "DeepL refused the key in DEEPL_AUTH_KEY (403)"),
        (456, "DeepL's character quota is used up (456)"),
        ("refused", "cannot reach the DeepL server at http://127.0.0.1:"),
        ("no key", "DEEPL_AUTH_KEY is not set"),
    ],
)
def test_each_fault_gives_one_line_and_exit_1(
    tmp_path: Path,
    server: DeepLServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: object,
    message: str,
):
    project = _untranslated_project(tmp_path / "project")
    if fault == "key":
        monkeypatch.setenv("DEEPL_AUTH_KEY", "wrong-key:fx")
    elif fault == "refused":
        with DeepLServer(TEST_KEY) as gone:
            url = gone.url  # a port nobody listens on once it has stopped
        monkeypatch.setenv("DEEPL_SERVER_URL", url)
    elif fault == "no key":
        monkeypatch.delenv("DEEPL_AUTH_KEY")
    else:
        server.fail(456)
    assert _translate(project, "--all") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert not list((project / "translations").glob("*.po"))  # nothing half-written


def test_a_kill_loses_at_most_the_request_in_flight(tmp_path: Path):
    project = _untranslated_project(tmp_path / "project")
    with DeepLServer(TEST_KEY) as server:
        env = {**os.environ, "DEEPL_AUTH_KEY": TEST_KEY, "DEEPL_SERVER_URL": server.url}
        command = [
            sys.executable,
            "-m",
            "pipeline",
            "translate",
            "--all",
            "--project",
            str(project),
        ]
        process = subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.PIPE)

        def kill_on_the_fourth(record) -> None:
            if record.path == "/v2/translate" and len(server.translate_requests()) == 4:
                os.kill(process.pid, signal.SIGKILL)  # before it gets the answer

        server.on_request = kill_on_the_fourth
        assert process.wait(timeout=120) == -signal.SIGKILL
        server.on_request = None
        in_flight = server.translate_requests()[3].billed_characters or 0
        paid = server.billed_characters()
        for catalog in (project / "translations").glob("*.po"):
            read_catalog(catalog, catalog.stem)  # whole files, never half-written
            check = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(catalog)])
            assert check.returncode == 0
        saved = sum(1 for _ in (project / "translations").glob("*.po"))
        assert saved == 3

        rerun = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        total = sum(len(text) for text in _catalog_template(project)) * len(EDITIONS)
        # Everything is translated, and only the request in flight was paid twice.
        assert server.billed_characters() - paid == total - paid + in_flight
        for edition in EDITIONS:
            assert {status(m) for m in _catalog(project, edition) if m.id} == {"draft"}


def test_the_key_never_appears_in_output_logs_or_files(tmp_path: Path):
    project = _untranslated_project(tmp_path / "project")
    key = "f63c2c5e-secret-2d1b-4b7e-a1d7-3c1e0f9b8d21:fx"
    with DeepLServer(key) as server:
        env = {**os.environ, "DEEPL_AUTH_KEY": key, "DEEPL_SERVER_URL": server.url}
        runs = [
            subprocess.run(
                [sys.executable, "-m", "pipeline", "--debug", "--verbose", *args],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
            )  # fmt: skip
            for args in (
                ["translate", "--all", "--dry-run", "--project", str(project)],
                ["translate", "--lang", "tr", "--project", str(project)],
                ["build", "--project", str(project)],
            )
        ]
        server.key = "another"
        runs.append(
            subprocess.run(
                [sys.executable, "-m", "pipeline", "translate", "--all", "--project", str(project)],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
            )  # fmt: skip
        )
    assert [r.returncode for r in runs] == [0, 0, 0, 1]
    assert all(key not in r.stdout + r.stderr for r in runs)
    assert "DEBUG" in runs[1].stderr  # the debug log was really on
    for path in project.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path


def test_identical_german_is_sent_once_across_editions(tmp_path: Path, server: DeepLServer):
    project = sample_with_turkish(tmp_path / "project")
    config = project / "publication.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[editions.tr-x]\nlang = "tr"\n', encoding="utf-8"
    )
    assert _translate(project, "--all") == 0
    requests = server.translate_requests()
    assert {r.target_lang for r in requests} == {"TR"}
    texts = [text for r in requests for text in r.texts]
    assert len(texts) == len(set(texts))
    assert [m.string for m in _catalog(project, "tr")] == [
        m.string for m in read_catalog(project / "translations" / "tr-x.po", "tr")
    ]
    memory = (project / "translations" / "memory" / "TR.jsonl").read_text(encoding="utf-8")
    assert all(json.loads(line)["target"] == "TR" for line in memory.splitlines())


def test_the_memory_keeps_each_drafts_own_options(tmp_path: Path, server: DeepLServer):
    project = sample_with_turkish(tmp_path / "project")
    config = project / "publication.toml"
    informal = '\n[editions.tr-du]\nlang = "tr"\nformality = "prefer_less"\n'
    config.write_text(config.read_text(encoding="utf-8") + informal, encoding="utf-8")
    assert _translate(project, "--all") == 0
    sent = server.translate_requests()
    assert {r.params["formality"] for r in sent} == {"prefer_more", "prefer_less"}
    memory = (project / "translations" / "memory" / "TR.jsonl").read_text(encoding="utf-8")
    formalities = [json.loads(line)["formality"] for line in memory.splitlines()]
    assert formalities.count("prefer_more") == formalities.count("prefer_less") > 0
    assert _translate(project, "--all") == 0  # both are remembered as what they are
    assert len(server.translate_requests()) == len(sent)
