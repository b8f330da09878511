"""The sample's HTML pages against checked-in golden copies (`pytest --update-golden`)."""

from __future__ import annotations

import re

import pytest

from pipeline.build import BuildResult

from .conftest import TESTS

GOLDEN = TESTS / "golden"


@pytest.mark.parametrize("name", ["index.html", "de/willkommen-in-musterstadt.html"])
def test_pages_match_the_golden_files(
    sample_build: BuildResult, request: pytest.FixtureRequest, name: str
):
    # File sizes depend on library versions (compression, ids), not on our templates.
    built = re.sub(
        r"\(\d[\d,.]* [kM]B\)", "(SIZE)", (sample_build.output / name).read_text(encoding="utf-8")
    )
    golden = GOLDEN / name
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(built, encoding="utf-8")
    assert golden.is_file(), "no golden file yet: run pytest --update-golden once"
    assert built == golden.read_text(encoding="utf-8"), (
        f"{name} changed: review it, then run pytest --update-golden"
    )
