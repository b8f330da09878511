"""Shared fixtures: the sample publication, built and checked once per test session."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pipeline.build import BuildResult, build
from pipeline.checks.conformance import Report
from pipeline.publish import check

from .deepl_server import TEST_KEY, DeepLServer, fast_retries

# A loaded 2-core CI machine renders slower than playwright's 5 s default allows.
expect.set_options(timeout=20_000)

TESTS = Path(__file__).parent
REPO = TESTS.parent
SAMPLE = TESTS / "sample"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --update-golden, the one way to regenerate the golden files."""
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from the current build"
    )


def copy_sample(target: Path) -> Path:
    """Copy the sample publication into `target` and return its directory."""
    shutil.copytree(SAMPLE, target)
    return target


def copy_project(target: Path) -> Path:
    """Copy this project's publication (config, source, glossary, catalogs) into `target`."""
    target.mkdir(parents=True)
    shutil.copy(REPO / "publication.toml", target)
    for name in ("source", "glossary", "translations"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    return target


def with_contact(project: Path) -> Path:
    """Give a copy of this project the e-mail address for reports of barriers that the city
    office has yet to give, so that its editions can be final."""
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[accessibility]\n", '[accessibility]\nemail = "barrieren@example.org"\n'),
        encoding="utf-8",
    )
    return project


def sample_with_turkish(target: Path) -> Path:
    """Copy the sample, add a Turkish edition and create its (empty) catalog."""
    from pipeline.catalogs import update_catalogs
    from pipeline.config import load_config

    project = copy_sample(target)
    config = project / "publication.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[editions.tr]\nlang = "tr"\n')
    update_catalogs(load_config(project))
    return project


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Build the sample publication once, into a temporary copy."""
    project = copy_sample(tmp_path_factory.mktemp("sample") / "project")
    return build(project)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file below `root` with its bytes and modification time."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@dataclass(frozen=True)
class Checked:
    """A check of a build's output, and the output's files before and after it."""

    report: Report
    before: dict[str, tuple[bytes, int]]
    after: dict[str, tuple[bytes, int]]


@pytest.fixture(scope="session")
def sample_check(sample_build: BuildResult) -> Checked:
    """Run every conformance checker once on the sample's build (a check changes nothing)."""
    before = snapshot(sample_build.output)
    report = check(sample_build.output.parent)
    return Checked(report, before, snapshot(sample_build.output))


@pytest.fixture(scope="session")
def sample_report(sample_check: Checked) -> Report:
    """The report of the one check of the sample's build."""
    return sample_check.report


@pytest.fixture(scope="session")
def project_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Build this project's seven editions once, into a temporary copy."""
    return build(copy_project(tmp_path_factory.mktemp("editions") / "project"))


@pytest.fixture(scope="session")
def project_report(project_build: BuildResult) -> Report:
    """Run every conformance checker on this project's one build."""
    return check(project_build.output.parent)


@pytest.fixture
def no_warnings(caplog: pytest.LogCaptureFixture):
    """Fail the test if the pipeline logs a warning or an error."""
    caplog.set_level(logging.WARNING, logger="pipeline")
    yield
    problems = [r for r in caplog.records if r.name.startswith("pipeline")]
    assert not problems, [r.getMessage() for r in problems]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    """A DeepL test server the pipeline finds through the environment, as a user sets it."""
    with DeepLServer(TEST_KEY) as running, fast_retries():
        monkeypatch.setenv("DEEPL_AUTH_KEY", TEST_KEY)
        monkeypatch.setenv("DEEPL_SERVER_URL", running.url)
        yield running
