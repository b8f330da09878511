"""Build only what changed, on every core, the same bytes anywhere (pipeline/build.py, cache.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

import pytest

from pipeline.build import BuildResult, build
from pipeline.cli import main

from .conftest import copy_sample, sample_with_turkish, snapshot
from .test_easy_edition import EASY_TEXT

SLUG = "willkommen-in-musterstadt"


def _with_one_draft(project: Path) -> Path:
    """Give the Turkish catalog one draft, the heading "Willkommen" (no markup to keep)."""
    po = project / "translations" / "tr.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace('msgid "Willkommen"\nmsgstr ""', 'msgid "Willkommen"\nmsgstr "Hoş geldiniz"')
    )
    return project


def _outputs(result: BuildResult) -> dict[str, bytes]:
    return {
        str(p.relative_to(result.output)): p.read_bytes()
        for p in sorted(result.output.rglob("*"))
        if p.is_file()
    }


def test_a_build_that_changes_nothing_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    project = copy_sample(tmp_path / "project")
    assert main(["build", "--project", str(project)]) == 0
    first = capsys.readouterr()
    # Without a terminal, one line per finished artifact, in the order they finish.
    lines = [line for line in first.err.splitlines() if line.startswith("build ")]
    assert [line.split(":")[0] for line in lines] == ["build 1/3", "build 2/3", "build 3/3"]
    assert sorted(line.split(": ")[1] for line in lines) == [
        f"de/{SLUG}.{kind}" for kind in ("epub", "html", "pdf")
    ]
    before = snapshot(project)
    assert main(["-q", "build", "--project", str(project)]) == 0
    second = capsys.readouterr()
    assert second.err == "" and "is up to date" in second.out
    after = snapshot(project)
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == {
        k: v for k, v in before.items() if not k.endswith(".lock")
    }


def test_one_approval_renders_exactly_its_edition_again(tmp_path: Path):
    project = _with_one_draft(sample_with_turkish(tmp_path / "project"))
    first = build(project)
    assert len(first.rendered) == 6  # de and tr, three formats each
    code = main(
        ["approve", "--project", str(project), "--lang", "tr", "--reviewer", "Test", "--all-drafts"]
    )
    assert code == 0
    second = build(project)
    assert sorted(second.rendered) == [f"tr/{SLUG}.{kind}" for kind in ("epub", "html", "pdf")]
    assert second.changed
    page = (second.output / "tr" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "Hoş geldiniz" in page


def test_a_german_edit_renders_only_the_editions_that_show_it(tmp_path: Path):
    project = sample_with_turkish(tmp_path / "project")
    (project / "source" / "leicht.md").write_text(EASY_TEXT, encoding="utf-8")
    config = project / "publication.toml"
    easy = '\n[editions.de-leicht]\nlang = "de"\nsources = ["source/leicht.md"]\nstyle = "easy"\n'
    config.write_text(config.read_text(encoding="utf-8") + easy, encoding="utf-8")
    assert len(build(project).rendered) == 9
    source = project / "source" / "teil-2.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nEin neuer Absatz.\n")
    again = build(project)
    # tr shows the new paragraph in German until it is translated; de-leicht has its own text.
    formats = ("epub", "html", "pdf")
    assert sorted(again.rendered) == [f"{e}/{SLUG}.{k}" for e in ("de", "tr") for k in formats]


def test_a_damaged_or_foreign_cache_entry_is_built_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    project = copy_sample(tmp_path / "project")
    first = build(project)
    good = _outputs(first)
    objects = sorted((project / ".cache").rglob("objects/*/*"))
    entries = sorted((project / ".cache").rglob("entries/*/*.json"))
    # The artifacts' entries name files; kept texts are "KEY.value", check results "result".
    artifacts = [e for e in entries if not e.name.endswith(".value.json")]
    artifacts = [e for e in artifacts if "files" in json.loads(e.read_text())]
    assert len(artifacts) == 3
    pdf_sha = hashlib.sha256(good[f"de/{SLUG}.pdf"]).hexdigest()
    damaged = next(p for p in objects if p.name == pdf_sha)
    damaged.write_bytes(b"%PDF-1.7 not what was stored")
    # Another artifact's entry, made to name a key that is not its own.
    foreign = next(e for e in artifacts if pdf_sha not in e.read_text())
    foreign.write_text(foreign.read_text().replace('"key": "', '"key": "0'))
    # The kept edition text, and what the texts share: damaged, they are made again.
    values = [e for e in entries if e.name.endswith(".value.json")]
    assert len(values) == 2
    for entry in values:
        sha = json.loads(entry.read_text())["files"]["value"]
        next(p for p in objects if p.name == sha).write_bytes(b"not a pickle")
    shutil.rmtree(project / "output")
    caplog.set_level(logging.WARNING, logger="pipeline")
    again = build(project)
    assert f"de/{SLUG}.pdf" in again.rendered and len(again.rendered) == 2
    assert any("damaged" in r.getMessage() for r in caplog.records)
    assert _outputs(again) == good


def test_builds_anywhere_with_any_number_of_workers_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    first = _with_one_draft(sample_with_turkish(tmp_path / "one" / "project"))
    config = first / "publication.toml"
    lines = config.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("date")]
    config.write_text("\n".join(kept) + "\n", encoding="utf-8")
    second = tmp_path / "two" / "elsewhere"
    shutil.copytree(first, second)  # the same inputs, in another directory
    results = [build(first, jobs=1, use_cache=False), build(second, jobs=2, use_cache=False)]
    assert not (first / ".cache").exists() and not (second / ".cache").exists()
    one, two = map(_outputs, results)
    assert one.keys() == two.keys() and len(one) > 10
    assert [name for name in one if one[name] != two[name]] == []
    assert b"1. Januar 2026" in one[f"de/{SLUG}.html"]


def test_a_changed_image_is_published_though_no_text_changed(tmp_path: Path):
    """Images are not among the hashed text inputs: the kept source must not hide a new SVG."""
    project = copy_sample(tmp_path / "project")
    build(project)
    chart = project / "source" / "chart.svg"
    chart.write_text(chart.read_text(encoding="utf-8").replace("#0b4f94", "#8a4b00", 1))
    again = build(project)
    assert f"de/{SLUG}.html" in again.rendered and f"de/{SLUG}.pdf" in again.rendered
    published = next((project / "output" / "de").rglob("*.svg")).read_text(encoding="utf-8")
    assert "#8a4b00" in published
