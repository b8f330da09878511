"""Shared fixtures: the sample publication, built and checked once per test session."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pipeline.build import BuildResult, build
from pipeline.checks.conformance import Report, run_checks

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


def copied_output(result: BuildResult, target: Path) -> Path:
    """Copy a build's output, so that a check (which stamps the EPUBs) has its own."""
    shutil.copytree(result.output, target / "output")
    return target / "output"


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory, sample_build: BuildResult) -> Report:
    """Run every conformance checker once on a copy of the sample's build."""
    # A copy, because a passing check adds the conformance claim to the EPUB.
    return run_checks(copied_output(sample_build, tmp_path_factory.mktemp("checked")))


@pytest.fixture(scope="session")
def project_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Build this project's seven editions once, into a temporary copy."""
    return build(copy_project(tmp_path_factory.mktemp("editions") / "project"))


@pytest.fixture(scope="session")
def project_report(tmp_path_factory: pytest.TempPathFactory, project_build: BuildResult) -> Report:
    """Run every conformance checker on a copy of this project's one build."""
    return run_checks(copied_output(project_build, tmp_path_factory.mktemp("judged")))


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
