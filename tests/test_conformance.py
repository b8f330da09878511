"""The third-party checkers judge whole publications: the sample, this project, and a new one;
and the report page for the city office (output/report.html) shows their verdict."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline import clock
from pipeline.build import build
from pipeline.cache import file_sha
from pipeline.checks import Finding
from pipeline.checks.conformance import Report
from pipeline.checks.html import check_html
from pipeline.checks.languages import check_languages
from pipeline.config import load_config
from pipeline.i18n import long_date
from pipeline.manifest import Manifest
from pipeline.publish import check, publish
from pipeline.render.epub import has_conformance_claim
from pipeline.render.html import render_statement_status
from pipeline.render.report_page import MISSING
from pipeline.statement import edition_files, read_report, refresh, status_of

from .conftest import REPO, Checked, copy_sample

SLUG = "willkommen-in-musterstadt"


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
    # A check on another day that finds the same keeps the statement and its date.
    report = done.report.path
    data = json.loads(report.read_text(encoding="utf-8"))
    report.write_text(json.dumps({**data, "checked_at": "2099-01-01T00:00:00+00:00"}), "utf-8")
    assert refresh(load_config(project), project / "output") == []
    assert said in statement.read_text(encoding="utf-8")


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


# The report page (output/report.html), from the same check as the tests above.


def _data(report: Report) -> dict:
    return json.loads(report.path.read_text(encoding="utf-8"))


def _text(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


def _page(report: Report) -> str:
    return report.path.with_name("report.html").read_text(encoding="utf-8")


def test_the_numbers_agree_in_the_chart_the_table_the_summary_and_report_json(
    project_report: Report,
):
    data, page = _data(project_report), _page(project_report)
    review = data["review"]
    assert set(review) == {"en-GB", "tr", "ar", "pl", "ru", "uk"}
    for edition, numbers in review.items():
        bar = re.search(rf'<g class="bar" data-edition="{edition}">(.*?)</g>', page, re.S)
        assert bar, edition
        drawn = dict.fromkeys(("approved", "draft", "stale", "missing"), 0)
        for status, count, title in re.findall(
            r'data-status="(\w+)" data-count="(\d+)"[^>]*><title>([^<]*)</title>', bar[1]
        ):
            drawn[status] = int(count)
            assert title.endswith(f" {count}"), title  # the number, not only the colour
        row = re.search(rf'<tr data-edition="{edition}">(.*?)</tr>', page)
        assert row, edition
        table = {s: int(n) for s, n in re.findall(r'<td data-status="(\w+)">(\d+)</td>', row[1])}
        summary = re.search(rf'<li data-edition="{edition}">(.*?)</li>', page)
        assert summary, edition
        said = re.search(
            r"(\d+) von (\d+) Abschnitten freigegeben, (\d+) Entwürfe, (\d+) veraltet,"
            r" (\d+) fehlen",
            summary[1],
        )
        assert said, summary[1]
        approved, total, draft, stale, missing = map(int, said.groups())
        expected = {s: numbers[s] for s in ("approved", "draft", "stale", "missing")}
        assert (
            drawn
            == table
            == expected
            == {"approved": approved, "draft": draft, "stale": stale, "missing": missing}
        ), edition
        assert total == numbers["total"] == sum(expected.values())


def test_every_edition_gets_one_sentence_that_says_why_it_is_a_draft(project_report: Report):
    data, page = _data(project_report), _page(project_report)
    assert {e: r["state"] for e, r in data["release"].items()} == dict.fromkeys(
        ["de", "en-GB", "tr", "ar", "pl", "ru", "uk", "de-leicht"], "draft"
    )
    tr = re.search(r'<li class="state-draft" id="edition-tr">(.*?)</li>', page)
    assert tr and _text(tr[1]).startswith(
        "Türkçe (tr): Erscheint als Entwurf: 31 von 31 Abschnitten"
    )
    assert "Erklärung zur Barrierefreiheit nennt noch nicht eine E-Mail-Adresse für" in tr[1]
    assert '<strong><span lang="ar" dir="rtl">العربية</span> (ar)</strong>: Erscheint' in page
    easy = re.search(r'id="edition-de-leicht">(.*?)</li>', page)
    assert easy and "Prüflesende haben sie noch nicht geprüft" in easy[1]
    assert "Prüflesende haben diesen Text noch nicht geprüft: Das steht noch aus." in page


def test_the_report_passes_axe_at_1280_and_320_px_and_loads_nothing(project_report: Report):
    page = project_report.path.with_name("report.html")
    assert [str(f) for f in check_html([page])] == []
    assert [str(f) for f in check_languages(page)] == []  # names in their own language
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and not re.search(r'(src|href)="(https?:)?//', text)
    assert '<svg role="img" aria-labelledby="review-title review-desc"' in text


def test_a_failing_checker_makes_its_edition_failing(sample_check: Checked, tmp_path: Path):
    # A copy of the checked sample with its cache; one page loses its language.
    project = tmp_path / "project"
    shutil.copytree(sample_check.report.path.parent.parent, project)
    page = project / "output" / "de" / f"{SLUG}.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<html lang="de" dir="ltr">', "<html>"), encoding="utf-8")
    report = check(project)
    assert not report.passed
    data = _data(report)
    assert data["release"]["de"]["state"] == "failing"
    assert data["release"]["de"]["findings"]["axe"] >= 1
    sentence = re.search(r'<li class="state-failing" id="edition-de">(.*?)</li>', _page(report))
    assert sentence and _text(sentence[1]).startswith(
        "Deutsch (de): Fällt durch: Die Prüfprogramme"
    )
    assert "axe-core (" in sentence[1]
    # The conformance table links the count to the finding, which names file and rule.
    first = re.search(r'<a href="#(finding-\d+)">\d+</a>', _page(report))
    assert first and f'<li id="{first[1]}"><code>de/{SLUG}.html</code>' in _page(report)


def _cli(*args: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipeline", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO)


def test_the_report_speaks_english_on_request_and_status_json_has_its_shape(
    project_report: Report, tmp_path: Path
):
    # A copy of the checked project with its cache: nothing is checked again.
    project = tmp_path / "project"
    shutil.copytree(project_report.path.parent.parent, project)
    result = _cli("-q", "check", "--project", project, "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (project / "output" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in page and "Can each edition be released?" in page
    status = _cli("status", "--json", "--project", project)
    report = json.loads((project / "output" / "report.json").read_text(encoding="utf-8"))
    assert json.loads(status.stdout) == report["review"]
    wrong = _cli("check", "--project", project, "--lang", "xx-nowhere")
    assert wrong.returncode == 2 and "unknown language tag 'xx-nowhere'" in wrong.stderr


def test_every_string_of_the_report_is_in_its_german_catalog():
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from babel.messages.pofile import read_po

    strict = {"silent": "false"}  # a broken template fails the test
    package = REPO / "pipeline"
    keywords = {**DEFAULT_KEYWORDS, "ui": None, "say": None}
    asked = (
        {
            str(found[1])
            for name, method in (
                ("templates/report.html", "jinja2.ext:babel_extract"),
                ("render/report_page.py", "python"),
            )
            for found in extract_from_file(
                method, package / name, keywords=keywords, options=strict
            )
        }
        | {"approved", "draft", "stale", "missing"}
        | set(MISSING.values())
    )  # looked up by key
    with (package / "report_locale" / "de.po").open("rb") as handle:
        german = {m.id: m.string for m in read_po(handle) if m.id}
    assert len(asked) > 30 and asked - set(german) == set()
    assert all(german[msgid] for msgid in asked)


def test_the_status_comes_from_the_report_for_the_very_files_it_checked(
    sample_check: Checked, tmp_path: Path
):
    output = sample_check.report.path.parent
    report = read_report(output)
    files = edition_files(Manifest.read(output), output, "de")
    assert sorted(files) == [f"de/{SLUG}.{kind}" for kind in ("epub", "html", "pdf")]
    passed = status_of(report, files)
    assert passed.checked and passed.findings == ()
    text = render_statement_status("de", passed)
    assert "teilweise vereinbar" in text and "keine Barrieren" in text

    # A checker that failed: its finding is listed, in the checker's words, marked English.
    assert report is not None
    finding = Finding(f"de/{SLUG}.pdf", "verapdf", "7.1-3", "error", "Content is <not> tagged")
    failing = {**report, "findings": [finding.to_dict()]}
    status = status_of(failing, files)
    assert status.findings == (finding,)
    text = render_statement_status("de", status)
    assert "fanden die automatischen Prüfprogramme diese Barrieren" in text
    assert '<span lang="en" dir="ltr">verapdf 7.1-3: Content is &lt;not&gt; tagged</span>' in text

    # A file changed since the check (or no report at all): not checked, whatever it said.
    changed = tmp_path / f"{SLUG}.pdf"
    shutil.copy(files[f"de/{SLUG}.pdf"], changed)
    with changed.open("ab") as handle:
        handle.write(b"\n")
    assert not status_of(report, {**files, f"de/{SLUG}.pdf": changed}).checked
    assert not status_of(None, files).checked
    assert not status_of({**report, "checked_at": "yesterday"}, files).checked
