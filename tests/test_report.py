"""output/report.html: the office's report, from the same data as report.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.checks.conformance import Report
from pipeline.checks.html import check_html
from pipeline.publish import check

from .conftest import REPO, Checked

SLUG = "willkommen-in-musterstadt"


def _data(report: Report) -> dict:
    return json.loads(report.path.read_text(encoding="utf-8"))


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
        summary = re.search(rf'<li data-edition="{edition}">([^<]*)</li>', page)
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
    tr = re.search(r'<li class="state-draft" id="edition-tr">([^<]*)<', page)
    assert tr and tr[1].startswith("Türkçe (tr) erscheint als Entwurf: 31 von 31 Abschnitten")
    assert "Erklärung zur Barrierefreiheit nennt noch keinen Kontakt" in tr[1]
    easy = re.search(r'id="edition-de-leicht">([^<]*)<', page)
    assert easy and "Prüflesende haben sie noch nicht geprüft" in easy[1]
    assert "Prüflesende haben diesen Text noch nicht geprüft: Das steht noch aus." in page


def test_the_report_passes_axe_at_1280_and_320_px_and_loads_nothing(project_report: Report):
    page = project_report.path.with_name("report.html")
    assert [str(f) for f in check_html([page])] == []
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
    sentence = re.search(r'<li class="state-failing" id="edition-de">([^<]*)<', _page(report))
    assert sentence and sentence[1].startswith("Deutsch (de) fällt durch: Die Prüfprogramme")
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
    asked = {
        str(found[1])
        for name, method in (
            ("templates/report.html", "jinja2.ext:babel_extract"),
            ("render/report_page.py", "python"),
        )
        for found in extract_from_file(method, package / name, keywords=keywords, options=strict)
    } | {"approved", "draft", "stale", "missing"}  # the statuses' labels, by their names
    with (package / "report_locale" / "de.po").open("rb") as handle:
        german = {m.id: m.string for m in read_po(handle) if m.id}
    assert len(asked) > 30 and asked - set(german) == set()
    assert all(german[msgid] for msgid in asked)
