"""The DeepL glossary of the termbase: sync and translate, with the real client and test server."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import deepl
import pytest

from pipeline.catalogs import read_catalog
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.glossary import load_termbase

from .conftest import sample_with_turkish
from .deepl_server import TEST_KEY, DeepLServer

HEADER = "id,status,de,tr,pl,fa,use,definition,easy,note,approved\n"
TERMS = (
    HEADER
    + "rathaus,preferred,Rathaus,Belediye,Ratusz,Shahrdari,,Das Haus der Stadt.,,,\n"
    + "sprachkurs,preferred,Sprachkurse,Dil kursları,Kursy językowe,Dars,,Kurse.,,,\n"
    + "musterstadt,do-not-translate,Musterstadt,,,,,,,Name der Stadt,\n"
    + "auslaender,forbidden,Ausländer,yabancı,,,,,,abwertend,\n"
)
TR = {"Rathaus": "Belediye", "Sprachkurse": "Dil kursları", "Musterstadt": "Musterstadt"}
FA_SKIPPED = "no DeepL glossary for fa (DeepL offers none for DE→FA): the terminology check"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample with Turkish, Polish and Persian editions and a small termbase."""
    project = sample_with_turkish(tmp_path / "project")
    config = project / "publication.toml"
    editions = '\n[editions.pl]\nlang = "pl"\n\n[editions.fa]\nlang = "fa"\n'
    config.write_text(config.read_text(encoding="utf-8") + editions, encoding="utf-8")
    _write_terms(project, TERMS)
    return project


def _write_terms(project: Path, text: str) -> None:
    (project / "glossary").mkdir(exist_ok=True)
    (project / "glossary" / "terms.csv").write_text(text, encoding="utf-8")


def _sync(project: Path) -> int:
    return main(["glossary", "sync", "--project", str(project)])


def _state(project: Path) -> dict:
    return json.loads((project / "glossary" / "deepl.json").read_text(encoding="utf-8"))


def _version(project: Path, lang: str) -> str:
    termbase = load_termbase(load_config(project))
    assert termbase is not None
    return termbase.version(lang)


def test_sync_creates_one_glossary_with_a_dictionary_per_language_then_sends_nothing(
    project: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    assert _sync(project) == 0
    [create] = _glossary_requests(server)
    assert (create.method, create.path, create.status) == ("POST", "/v3/glossaries", 201)
    assert create.params["name"] == "willkommen-in-musterstadt termbase"
    state = _state(project)
    glossary_id = state["glossary_id"]
    assert state["dictionaries"] == {
        "pl": {"target_lang": "PL", "termbase_version": _version(project, "pl")},
        "tr": {"target_lang": "TR", "termbase_version": _version(project, "tr")},
    }
    assert server.glossary_entries(glossary_id, "DE", "TR") == TR  # no forbidden term
    assert server.glossary_entries(glossary_id, "DE", "PL")["Rathaus"] == "Ratusz"
    out = capsys.readouterr().out
    assert f"{FA_SKIPPED} after translation covers it" in out
    assert "sent DE→TR (tr): 3 term(s)" in out
    assert TEST_KEY not in (project / "glossary" / "deepl.json").read_text(encoding="utf-8")

    assert _sync(project) == 0  # the termbase is unchanged: not a single request
    assert len(_glossary_requests(server)) == 1
    assert "nothing sent" in capsys.readouterr().out


def test_one_changed_term_replaces_exactly_one_dictionary(project: Path, server: DeepLServer):
    assert _sync(project) == 0
    glossary_id = _state(project)["glossary_id"]
    _write_terms(project, TERMS.replace("Ratusz", "Ratusz miejski"))

    assert _sync(project) == 0
    [replace] = _glossary_requests(server)[1:]
    assert (replace.method, replace.path) == ("PUT", f"/v3/glossaries/{glossary_id}/dictionaries")
    assert replace.target_lang == "PL"
    assert server.glossary_entries(glossary_id, "DE", "PL")["Rathaus"] == "Ratusz miejski"
    assert server.glossary_entries(glossary_id, "DE", "TR") == TR
    state = _state(project)
    assert state["glossary_id"] == glossary_id
    assert state["dictionaries"]["pl"]["termbase_version"] == _version(project, "pl")


def test_a_glossary_deleted_on_the_server_is_recreated(
    project: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    assert _sync(project) == 0
    gone = _state(project)["glossary_id"]
    deepl.DeepLClient(TEST_KEY, server_url=server.url).delete_multilingual_glossary(gone)
    _write_terms(project, TERMS.replace("Belediye", "Belediye binası"))
    capsys.readouterr()

    assert _sync(project) == 0
    assert [(r.method, r.status) for r in _glossary_requests(server)[2:]] == [
        ("PUT", 404),
        ("POST", 201),
    ]
    state = _state(project)
    assert state["glossary_id"] != gone and set(state["dictionaries"]) == {"pl", "tr"}
    entries = server.glossary_entries(state["glossary_id"], "DE", "TR")
    assert entries["Rathaus"] == "Belediye binası"
    assert "no longer existed; created a new one" in capsys.readouterr().out


def test_translate_after_sync_uses_the_glossary_in_every_request(
    project: Path, server: DeepLServer
):
    assert _sync(project) == 0
    glossary_id = _state(project)["glossary_id"]

    assert main(["translate", "--lang", "tr", "--project", str(project)]) == 0
    requests = server.translate_requests()
    assert requests and all(r.params["glossary_id"] == glossary_id for r in requests)
    catalog = read_catalog(project / "translations" / "tr.po", "tr")
    town_hall = [m for m in catalog if m.id and "Rathaus" in str(m.id)]
    assert town_hall and all("Belediye" in m.string and "Rathaus" not in m.string
                             for m in town_hall)  # fmt: skip
    memory = (project / "translations" / "memory" / "TR.jsonl").read_text(encoding="utf-8")
    versions = {json.loads(line)["glossary_version"] for line in memory.splitlines()}
    assert versions == {_version(project, "tr")}


def test_translate_refuses_a_termbase_changed_since_the_sync(
    project: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    assert _sync(project) == 0
    _write_terms(project, TERMS.replace("Belediye", "Belediye binası"))
    capsys.readouterr()

    assert main(["translate", "--lang", "tr", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "the termbase changed since the last `glossary sync` (tr); run" in err
    assert not server.translate_requests()
    # A language whose terms did not change, and a dry run, still work.
    assert main(["translate", "--lang", "pl", "--project", str(project)]) == 0
    assert main(["translate", "--lang", "tr", "--dry-run", "--project", str(project)]) == 0


def test_translate_without_a_sync_warns_and_uses_no_glossary(
    project: Path, server: DeepLServer, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING, logger="pipeline")
    assert main(["translate", "--lang", "tr", "--project", str(project)]) == 0
    assert not any("glossary_id" in r.params for r in server.translate_requests())
    assert [r.getMessage() for r in caplog.records] == [
        f"{project / 'glossary' / 'terms.csv'} is not synced to DeepL; drafts are made without "
        "a glossary (run `python -m pipeline glossary sync` to use it)"
    ]


def test_translate_names_the_fix_when_the_glossary_is_gone(
    project: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    assert _sync(project) == 0
    gone = _state(project)["glossary_id"]
    deepl.DeepLClient(TEST_KEY, server_url=server.url).delete_multilingual_glossary(gone)
    capsys.readouterr()

    assert main(["translate", "--lang", "tr", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"DeepL has no glossary {gone} any more; delete" in err


def test_a_glossary_not_found_answered_with_400_names_the_fix_too(
    project: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    assert _sync(project) == 0
    gone = _state(project)["glossary_id"]
    server.fail(400, message="Glossary not found")
    capsys.readouterr()
    assert main(["translate", "--lang", "tr", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"DeepL has no glossary {gone} any more; delete" in err


@pytest.mark.parametrize(
    ("status", "hint"),
    [(400, "retrying will not help"), (413, "split the longest"), (403, "valid, active key")],
)
def test_a_permanent_error_says_what_to_do_not_try_again_later(
    project: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str], status: int, hint: str
):
    server.fail(status, times=None)
    assert main(["translate", "--lang", "tr", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and hint in err and "try again later" not in err
    assert len(server.translate_requests()) == 1  # not retried


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("key", "DeepL refused the key in DEEPL_AUTH_KEY (403)"),
        ("quota", "DeepL's character quota is used up (456)"),
        ("refused", "cannot reach the DeepL server at http://127.0.0.1:"),
    ],
)
def test_each_fault_gives_one_line_and_exit_1(
    project: Path,
    server: DeepLServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    message: str,
):
    if fault == "key":
        monkeypatch.setenv("DEEPL_AUTH_KEY", "wrong-key:fx")
    elif fault == "refused":
        with DeepLServer(TEST_KEY) as stopped:
            url = stopped.url  # a port nobody listens on once it has stopped
        monkeypatch.setenv("DEEPL_SERVER_URL", url)
    else:
        server.fail(456, path="/v3/glossaries")
    assert _sync(project) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert not (project / "glossary" / "deepl.json").exists()


def test_sync_without_a_termbase_says_what_to_create(
    tmp_path: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    project = sample_with_turkish(tmp_path / "project")
    assert _sync(project) == 1
    assert "terms.csv: no termbase to sync; create it" in capsys.readouterr().err
    assert not _glossary_requests(server)


def _glossary_requests(server: DeepLServer) -> list:  # type: ignore[type-arg]
    """Return the glossary requests; the one question of which pairs DeepL offers aside."""
    return [r for r in server.requests if r.path != "/v2/glossary-language-pairs"]
