"""Segments: every translatable unit of the AST, and markup that round-trips exactly."""

from __future__ import annotations

import json

import pytest

from pipeline import pandoc
from pipeline.config import load_config
from pipeline.render.html import body_html
from pipeline.segments import MarkupError, from_markup, to_markup, units
from pipeline.source import Document, load_document

from .conftest import REPO, SAMPLE


def _normal(inlines: list) -> str:
    # A soft line break and a space are the same to every renderer.
    return json.dumps(inlines).replace('{"t": "SoftBreak"}', '{"t": "Space"}')


@pytest.mark.parametrize("project", [REPO, SAMPLE], ids=["integrationskonzept", "sample"])
def test_every_unit_round_trips_through_its_markup(project):
    document = load_document(load_config(project))
    found = list(units(document.ast["blocks"]))
    assert found
    for unit in found:
        markup = to_markup(unit.inlines)
        assert _normal(from_markup(markup, unit.inlines)) == _normal(unit.inlines), markup


def test_the_sample_has_every_kind_of_segment():
    document = load_document(load_config(SAMPLE))
    kinds = {unit.kind for unit in units(document.ast["blocks"])}
    assert kinds == {
        "heading",
        "paragraph",
        "list-item",
        "table-cell",
        "caption",
        "alt",
        "footnote",
    }


def test_markup_keeps_emphasis_links_and_language_but_not_targets():
    ast = pandoc.read_markdown_text(
        "Mehr auf der [Seite der *Stadt*](https://example.org/a), [welcome]{lang=en}.[^1]\n\n"
        "[^1]: Fußnote.\n"
    )
    (unit, *rest) = list(units(ast["blocks"]))
    markup = to_markup(unit.inlines)
    assert markup == (
        'Mehr auf der <a id="1">Seite der <em>Stadt</em></a>, '
        '<span lang="en">welcome</span>.<note id="1"/>'
    )
    assert "example.org" not in markup
    assert [u.kind for u in rest] == ["footnote"]


def test_a_translation_can_reorder_but_not_retarget_links():
    ast = pandoc.read_markdown_text("Die [Stadt](https://example.org/a) und [Land](#land).\n")
    unit = next(units(ast["blocks"]))
    translated = '<a id="2" href="javascript:alert(1)">Country</a> and the <a id="1">city</a>.'
    inlines = from_markup(translated, unit.inlines)
    html = body_html_of(ast, inlines)
    assert '<a href="#land">Country</a>' in html
    assert '<a href="https://example.org/a">city</a>' in html
    assert "javascript" not in html


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ('<a id="1">Stadt</a', "the markup is broken"),
        ("Die Stadt.", r"the translation lost <a id=1>"),
        ('<a id="1">x</a> <script>alert(1)</script>', "<script> is not allowed"),
        ('<a id="1">x</a> <a id="7">y</a>', "is not in the German text"),
    ],
)
def test_broken_or_unsafe_markup_is_refused(markup, message):
    ast = pandoc.read_markdown_text("Die [Stadt](https://example.org/a).\n")
    unit = next(units(ast["blocks"]))
    with pytest.raises(MarkupError, match=message):
        from_markup(markup, unit.inlines)


def test_escaped_text_stays_text():
    ast = pandoc.read_markdown_text("Ein Satz.\n")
    unit = next(units(ast["blocks"]))
    inlines = from_markup("&lt;script&gt;alert(1)&lt;/script&gt; &amp; mehr", unit.inlines)
    assert "&lt;script&gt;" in body_html_of(ast, inlines)


def body_html_of(ast: dict, inlines: list) -> str:
    """Render one paragraph with the given inlines, as an edition would."""
    para = {"t": "Para", "c": inlines}
    document = Document({**ast, "blocks": [para]}, (), (), (), False)
    return body_html(document)
