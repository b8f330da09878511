"""Bad input gets one line naming the file and line, a non-zero exit and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import copy_sample


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=300
    )


def _assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and expected in lines[0], lines[0]


def test_a_broken_config_is_one_line(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    config = project / "publication.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("date = ", "date = = "))
    result = _run("build", "--project", str(project))
    _assert_one_line_error(result, f"{config}:6: not valid TOML")


def test_a_missing_source_file_is_one_line(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    (project / "source" / "teil-1.md").unlink()
    result = _run("build", "--project", str(project))
    _assert_one_line_error(result, "Config value 'sources': file 'source/teil-1.md' does not exist")
    assert "publication.toml:8: " in result.stderr


def test_an_image_without_alt_text_is_one_line_and_writes_nothing(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    source = project / "source" / "teil-2.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nMehr:\n\n![](chart.svg)\n")
    result = _run("build", "--project", str(project))
    _assert_one_line_error(result, f"{source}:18: image 'chart.svg' has no alt text")
    assert not (project / "output").exists()


def test_no_config_is_one_line(tmp_path: Path):
    result = _run("build", "--project", str(tmp_path))
    _assert_one_line_error(result, f"{tmp_path / 'publication.toml'}: no such file")


def test_check_without_a_build_is_one_line(tmp_path: Path):
    result = _run("check", "--project", str(tmp_path))
    _assert_one_line_error(result, "nothing to check; run `python -m pipeline build` first")


def test_init_refuses_to_overwrite_a_publication(tmp_path: Path):
    project = copy_sample(tmp_path / "p")
    result = _run("init", str(project), "--from", str(project / "source" / "teil-1.md"))
    _assert_one_line_error(result, "a publication already exists here")


def test_init_needs_a_publisher(tmp_path: Path):
    document = tmp_path / "flyer.md"
    document.write_text("# Flyer\n\nText.\n", encoding="utf-8")
    result = _run("init", str(tmp_path / "new"), "--from", str(document))
    _assert_one_line_error(result, "pass --publisher NAME")
    result = _run("init", str(tmp_path / "new"), "--from", str(document), "--publisher", "Stadt")
    assert result.returncode == 0, result.stderr
    assert 'title = "Flyer"' in (tmp_path / "new" / "publication.toml").read_text()
