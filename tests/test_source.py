from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline import pandoc
from pipeline.config import load_config
from pipeline.errors import PipelineError, SourceError
from pipeline.render.html import body_html
from pipeline.source import load_document, stringify

from .conftest import REPO, copy_sample

SEED = REPO.parent / "shared" / "seed" / "integrationskonzept.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="the seed text lies beside the repository")
def test_the_source_keeps_the_citys_wording():
    seed = [line for line in SEED.read_text(encoding="utf-8").splitlines()[1:] if line]
    ast = pandoc.read_markdown(REPO / "source" / "integrationskonzept.md")
    blocks = []
    for block in ast["blocks"]:
        if block["t"] == "BulletList":
            blocks += ["- " + stringify(item) for item in block["c"]]
        else:
            blocks.append(stringify(block))
    assert blocks == seed


def test_the_project_source_has_structure():
    document = load_document(load_config(REPO))
    assert [h.text for h in document.headings] == [
        "Was ist ein Integrationskonzept?",
        "Beitrag zur Integrationspolitik",
        "Handlungsanleitungen",
    ]
    assert {h.level for h in document.headings} == {2}
    assert any(block["t"] == "BulletList" for block in document.ast["blocks"])


def _project_with(tmp_path: Path, markdown: str) -> Path:
    project = copy_sample(tmp_path / "p")
    (project / "source" / "teil-2.md").write_text(markdown, encoding="utf-8")
    return project


def test_sources_cannot_inject_markup_or_script(tmp_path: Path):
    project = _project_with(
        tmp_path,
        "# Teil\n\n<script>alert(1)</script>\n\n"
        'Text <b onclick="x()">fett</b> [Spanne]{onclick="x()" style="color:red" lang=en}.\n\n'
        "```{=html}\n<iframe src=x></iframe>\n```\n",
    )
    html = body_html(load_document(load_config(project)))
    parser = _Tags()
    parser.feed(html)
    assert not {"script", "iframe", "b"} & {tag for tag, _ in parser.tags}
    attributes = {name for _, attrs in parser.tags for name, _ in attrs}
    assert not {a for a in attributes if a.startswith("on") or a == "style"}
    assert '<span lang="en">Spanne</span>' in html
    assert "&lt;script&gt;" in html  # shown as text, not run


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_a_script_link_is_refused_with_file_and_line(tmp_path: Path):
    project = _project_with(tmp_path, "# Teil\n\nEin Satz.\n\n[Klick](javascript:alert(1))\n")
    with pytest.raises(SourceError) as caught:
        load_document(load_config(project))
    assert str(caught.value).startswith(f"{project / 'source' / 'teil-2.md'}:5: link target")


def test_an_image_without_alt_text_is_refused_with_file_and_line(tmp_path: Path):
    project = _project_with(tmp_path, "# Teil\n\nText.\n\n![](rathaus.png)\n")
    with pytest.raises(SourceError) as caught:
        load_document(load_config(project))
    message = str(caught.value)
    assert message.startswith(f"{project / 'source' / 'teil-2.md'}:5: image 'rathaus.png'")
    assert "alt text" in message


def test_a_skipped_heading_level_is_refused(tmp_path: Path):
    project = _project_with(tmp_path, "# Teil\n\n### Zu tief\n\nText.\n")
    with pytest.raises(SourceError, match=r"teil-2.md:3: heading 'Zu tief' skips a level"):
        load_document(load_config(project))


def test_headings_from_several_files_get_unique_ids(tmp_path: Path):
    project = _project_with(tmp_path, "# Willkommen\n\nNoch einmal.\n")
    ids = [h.id for h in load_document(load_config(project)).headings]
    assert len(ids) == len(set(ids))
    assert "willkommen-2" in ids


def test_the_sample_document_is_described():
    document = load_document(load_config(REPO / "tests" / "sample"))
    assert document.lang_spans == (("en", "Welcome to our city"), ("tr", "Hoş geldiniz"))
    assert [image.src for image in document.images] == ["media/1-chart.svg", "media/2-rathaus.png"]
    assert document.has_tables


def test_an_image_outside_the_publication_is_refused(tmp_path: Path):
    (tmp_path / "secret.png").write_bytes((REPO / "tests/sample/source/rathaus.png").read_bytes())
    project = _project_with(tmp_path, "# Teil\n\n![Geheim](../../secret.png)\n")
    with pytest.raises(SourceError, match=r"teil-2.md:3: image '../../secret.png' is not a file"):
        load_document(load_config(project))


def test_an_svg_with_script_is_refused(tmp_path: Path):
    project = _project_with(tmp_path, "# Teil\n\n![Bild](bad.svg)\n")
    (project / "source" / "bad.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', encoding="utf-8"
    )
    with pytest.raises(SourceError, match="cannot be published: it has an attribute .onload."):
        load_document(load_config(project))


def test_sources_cannot_take_the_templates_ids_or_classes(tmp_path: Path):
    project = _project_with(
        tmp_path, "# Ausblick {#main}\n\n## Mehr {#toc-title}\n\n[rot]{.skip-link #fn1}\n"
    )
    document = load_document(load_config(project))
    ids = [h.id for h in document.headings]
    assert "main" not in ids and "toc-title" not in ids
    html = body_html(document)
    assert "skip-link" not in html and 'id="fn1"' not in html.split("footnotes")[0]


def test_a_deep_heading_is_reported_at_its_own_line(tmp_path: Path):
    project = _project_with(tmp_path, "# Ziele\n\nZiele sind wichtig.\n\n### Ziele\n")
    with pytest.raises(SourceError, match=r"teil-2.md:5: heading 'Ziele' skips a level"):
        load_document(load_config(project))


def test_a_source_that_is_not_utf8_is_one_clear_error(tmp_path: Path):
    project = _project_with(tmp_path, "")
    (project / "source" / "teil-2.md").write_bytes("# Teil\n\nGr\xfc\xdfe\n".encode("latin-1"))
    with pytest.raises(PipelineError, match="not UTF-8 text") as caught:
        load_document(load_config(project))
    assert caught.value.line == 3
