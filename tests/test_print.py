"""The PDFs read well on paper: a title page, a contents list with page numbers, bookmarks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from pipeline.build import BuildResult


def _pdf(result: BuildResult, edition: str) -> Path:
    return next(a.path for a in result.artifacts if a.edition == edition and a.kind == "pdf")


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)  # bidi controls
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def _outline(path: Path) -> list[tuple[int, str]]:
    """Return the bookmarks as (level, title), in order."""
    found: list[tuple[int, str]] = []

    def walk(items: list[pikepdf.OutlineItem], level: int) -> None:
        for item in items:
            found.append((level, " ".join(item.title.split())))
            walk(item.children, level + 1)

    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        walk(outline.root, 1)
    return found


@pytest.mark.parametrize("edition", ["de", "ar", "de-leicht"])
def test_a_title_page_then_the_contents_with_the_page_of_each_heading(
    project_build: BuildResult, edition: str
):
    path = _pdf(project_build, edition)
    pages = _pages(path)
    outline = _outline(path)
    title = outline[0][1]
    assert title in pages[0]
    assert not re.search(rf"\b1\D{{1,12}}{len(pages)}\D*$", pages[0])  # no "Page 1 of N"
    assert re.search(rf"\b2\D{{1,12}}{len(pages)}\D*$", pages[1])
    headings = [text for level, text in outline[1:]]
    assert len(headings) >= 4
    for heading in headings:
        # On the contents page: the heading, its leader, and the page it is on.
        entry = re.search(re.escape(heading) + r"[ .]*?(\d+)", pages[1])
        assert entry, (heading, pages[1][:300])
        page = int(entry.group(1))
        assert page >= 2 and heading in pages[page - 1], (heading, page)


def test_the_bookmarks_are_the_title_and_the_contents(project_build: BuildResult):
    outline = _outline(_pdf(project_build, "de"))
    assert outline[0] == (1, "Das Integrationskonzept")
    # The contents list, the imprint and the accessibility note are not bookmarked.
    titles = [text for _, text in outline]
    assert "Inhalt" not in titles and "Impressum" not in titles
    assert "Was ist ein Integrationskonzept?" in titles and "Glossar" in titles
