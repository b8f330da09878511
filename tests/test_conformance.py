"""The third-party checkers judge whole publications: the sample, this project, and a new one."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline import clock
from pipeline.build import build
from pipeline.cache import file_sha
from pipeline.checks.conformance import Report
from pipeline.i18n import long_date
from pipeline.publish import publish
from pipeline.render.epub import has_conformance_claim

from .conftest import Checked, copy_sample


def test_the_sample_passes_every_checker(sample_report: Report):
    assert [str(f) for f in sample_report.findings] == []
    kinds = sorted(sample_report.files.values())
    assert kinds == ["epub", "html", "html", "html", "pdf"]


def test_the_report_is_written_as_json(sample_report: Report):
    data = json.loads(sample_report.path.read_text(encoding="utf-8"))
    assert data["passed"] is True
    assert {f["path"] for f in data["files"]} == {
        "index.html",
        "de/accessibility.html",
        "de/willkommen-in-musterstadt.html",
        "de/willkommen-in-musterstadt.pdf",
        "de/willkommen-in-musterstadt.epub",
    }
    epub = next(f for f in data["files"] if f["kind"] == "epub")
    assert epub["checkers"] == ["epubcheck", "ace"] and epub["findings"] == 0


def test_check_changes_no_file_and_claims_nothing(sample_check: Checked):
    reports = ("report.json", "report.html")
    assert {k: v for k, v in sample_check.after.items() if k not in reports} == {
        k: v for k, v in sample_check.before.items() if k not in reports
    }
    epub = next(p for p, kind in sample_check.report.files.items() if kind == "epub")
    assert not has_conformance_claim(epub)


def test_publish_claims_conformance_in_a_passing_epub_and_a_rebuild_keeps_it(
    sample_check: Checked, tmp_path: Path
):
    # A copy of the checked sample, with its cache: the build and the checks are reused.
    project = tmp_path / "project"
    shutil.copytree(sample_check.report.path.parent.parent, project)
    done = publish(project)
    assert done.build.rendered == () and not done.build.changed
    epub = project / "output" / "de" / "willkommen-in-musterstadt.epub"
    assert done.claimed == (epub,) and has_conformance_claim(epub)
    assert done.report.passed
    # The accessibility statement now says what the checks found, and was checked again.
    statement = project / "output" / "de" / "accessibility.html"
    said = f"Am {long_date(clock.today(), 'de')} fanden die automatischen Prüfprogramme keine"
    assert said in statement.read_text(encoding="utf-8")
    data = json.loads(done.report.path.read_text(encoding="utf-8"))
    entry = next(f for f in data["files"] if f["path"] == "de/accessibility.html")
    assert entry["passed"] and entry["sha256"] == file_sha(statement)
    again = build(project)
    assert not again.changed and has_conformance_claim(epub)
    assert not publish(project).build.changed  # nothing to do: the status stays as it is
    assert entry["sha256"] == file_sha(statement)


def test_a_failing_page_fails_the_check_and_names_the_rule(tmp_path: Path):
    output = build(copy_sample(tmp_path / "project")).output
    page = output / "de" / "willkommen-in-musterstadt.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<html lang="de" dir="ltr">', "<html>"), encoding="utf-8")
    epub = output / "de" / "willkommen-in-musterstadt.epub"
    epub.unlink()
    result = _cli("check", "--output", str(output))
    assert result.returncode == 1
    assert f"{page}: error: [axe html-has-lang]" in result.stdout
    assert json.loads((output / "report.json").read_text(encoding="utf-8"))["passed"] is False


def test_every_edition_of_this_project_passes_every_checker(project_report: Report):
    # The German original, six translations (right-to-left Arabic among them) and the
    # Leichte Sprache edition.
    assert [str(f) for f in project_report.findings] == []
    kinds = sorted(project_report.files.values())
    assert kinds == ["epub"] * 8 + ["html"] * 17 + ["pdf"] * 8


UNSEEN = """---
title: Satzung über die Benutzung der Stadtbücherei
author: Gemeinde Beispielhausen
---

# Allgemeines

Die Bücherei steht allen offen. Gäste sagen oft [Good morning]{lang=en}.[^a]

[^a]: Gilt auch für Gäste aus anderen Orten.

## Öffnungszeiten

| Tag | Von | Bis |
|-----|-----|-----|
| Montag | 10 Uhr | 18 Uhr |
| Samstag | 9 Uhr | 13 Uhr |

: Öffnungszeiten der Bücherei

1. Ausweis beantragen
   - mit Foto
   - mit Unterschrift
2. Bücher ausleihen

> Lesen verbindet.

![Plan des Erdgeschosses](plan.svg){alt="Grundriss: Eingang links, Ausleihe rechts."}

Mehr unter [www.example.org](https://www.example.org/buecherei).
"""

PLAN = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
<rect x="10" y="10" width="180" height="80" fill="none" stroke="#333"/>
</svg>
"""


def test_a_publication_made_with_init_from_unseen_markdown_passes(tmp_path: Path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "satzung.md").write_text(UNSEEN, encoding="utf-8")
    (incoming / "plan.svg").write_text(PLAN, encoding="utf-8")
    project = tmp_path / "satzung"

    result = _cli("init", str(project), "--from", str(incoming / "satzung.md"))
    assert result.returncode == 0, result.stderr
    assert (project / "source" / "media" / "plan.svg").is_file()
    assert (project / "glossary").is_dir() and (project / "translations").is_dir()
    source = (project / "source" / "satzung.md").read_text(encoding="utf-8")
    assert 'alt="Grundriss: Eingang links, Ausleihe rechts."' in source

    for command in ("build", "check"):
        result = _cli(command, "--project", str(project))
        assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((project / "output" / "report.json").read_text(encoding="utf-8"))
    assert report["passed"] and len(report["files"]) == 5
    html = project / "output" / "de" / "satzung-ueber-die-benutzung-der-stadtbuecherei.html"
    assert "<title>Satzung über die Benutzung der Stadtbücherei</title>" in html.read_text()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=600
    )
