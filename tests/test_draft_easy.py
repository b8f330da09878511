"""draft-easy: DeepL Write's simple German as a draft for a Leichte Sprache writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main

from .conftest import copy_project
from .deepl_server import DeepLServer, fast_retries

PRO_KEY = "pro-test-key"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):  # DeepL Write needs a Pro key
    with DeepLServer(PRO_KEY, pro=True) as running, fast_retries():
        monkeypatch.setenv("DEEPL_AUTH_KEY", PRO_KEY)
        monkeypatch.setenv("DEEPL_SERVER_URL", running.url)
        yield running


def test_the_draft_is_written_to_drafts_and_never_into_the_source(
    tmp_path: Path, server: DeepLServer, capsys: pytest.CaptureFixture[str]
):
    project = copy_project(tmp_path / "project")
    source_before = (project / "source" / "leichte-sprache.md").read_bytes()
    assert main(["draft-easy", "--project", str(project)]) == 0
    draft = (project / "drafts" / "leichte-sprache-entwurf.md").read_text(encoding="utf-8")
    assert draft.startswith("<!-- Entwurf von DeepL Write") and "nie veröffentlicht" in draft
    assert "# Was ist ein Integrationskonzept?" in draft
    assert "[rephrased:simple] Das Integrationskonzept wurde" in draft
    requests = [r for r in server.requests if r.path == "/v2/write/rephrase"]
    assert requests and all(r.params["writing_style"] == "simple" for r in requests)
    assert all(r.params["target_lang"] == "DE" and r.body_bytes <= 10 * 1024 for r in requests)
    assert (project / "source" / "leichte-sprache.md").read_bytes() == source_before
    assert "never published" in capsys.readouterr().out

    target = project / "source" / "leichte-sprache.md"
    assert main(["draft-easy", "--project", str(project), "--output", str(target)]) == 1
    assert "a draft never goes into source/" in capsys.readouterr().err
    assert target.read_bytes() == source_before
    catalog = project / "translations" / "tr.po"
    assert main(["draft-easy", "--project", str(project), "--output", str(catalog)]) == 1

    # A writer may be working on the draft: it is replaced only when asked.
    draft_path = project / "drafts" / "leichte-sprache-entwurf.md"
    draft_path.write_text("Meine Arbeit", encoding="utf-8")
    assert main(["draft-easy", "--project", str(project)]) == 1
    assert "a draft is already there" in capsys.readouterr().err
    assert draft_path.read_text(encoding="utf-8") == "Meine Arbeit"
    assert main(["draft-easy", "--project", str(project), "--replace"]) == 0
    assert draft_path.read_text(encoding="utf-8") != "Meine Arbeit"


def test_a_free_key_gets_one_line_about_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    with DeepLServer("free-key:fx") as free:
        monkeypatch.setenv("DEEPL_AUTH_KEY", "free-key:fx")
        monkeypatch.setenv("DEEPL_SERVER_URL", free.url)
        assert main(["draft-easy", "--project", str(copy_project(tmp_path / "p"))]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(403)" in err and "DeepL Write also needs a Pro key" in err
