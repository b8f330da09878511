"""SVG images: parsed as XML, cleaned to an allow-list, published clean."""

from __future__ import annotations

import pytest

from pipeline import svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


@pytest.mark.parametrize(
    "body, problem",
    [
        ('<s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script>', "<script>"),
        ("<script>alert(1)</script>", "<script>"),
        ('<a xlink:href="&#106;avascript:alert(1)"><text>x</text></a>', "<a>"),
        ('<use href="&#106;avascript:alert(1)"/>', "javascript:alert(1)"),
        ('<rect onclick="alert(1)" width="1" height="1"/>', "'onclick'"),
        ('<rect onload = "alert(1)"/>', "'onload'"),
        ('<image href="http://127.0.0.1:9/x.png" width="1" height="1"/>', "http://127.0.0.1:9"),
        ('<image xlink:href="file:///etc/passwd" width="1" height="1"/>', "file:///etc/passwd"),
        ('<rect fill="url(http://127.0.0.1:9/p)" width="1" height="1"/>', "only references"),
        ('<rect style="fill: url(&#39;https://x.org/a&#39;)"/>', "only references"),
        (
            "<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>",
            "foreignObject",
        ),
        ('<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="x"/>', "<iframe>"),
        ("<style>@import url(http://x.org/a.css);</style>", "<style>"),
        ('<set attributeName="href" to="javascript:alert(1)"/>', "<set>"),
    ],
)
def test_unsafe_svgs_are_refused_whatever_the_prefix_or_encoding(body: str, problem: str):
    with pytest.raises(svg.UnsafeSvg, match=problem.replace("(", r"\(").replace(")", r"\)")):
        svg.clean(f"{HEAD}>{body}</svg>".encode())


def test_a_dtd_or_entity_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(svg.UnsafeSvg, match="DTD or entities"):
        svg.clean(bomb)


def test_editor_metadata_is_stripped_and_the_rest_kept():
    source = (
        f'{HEAD} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
        'inkscape:version="1.3" viewBox="0 0 10 10">'
        '<sodipodi:namedview id="nv" inkscape:zoom="2"/>'
        '<title>Balken</title><defs><linearGradient id="g"><stop offset="0" stop-color="#000"/>'
        "</linearGradient></defs>"
        '<rect width="10" height="5" fill="url(#g)" inkscape:label="Balken 1"/>'
        '<use xlink:href="#g"/></svg>'
    ).encode()
    cleaned = svg.clean(source).decode()
    assert "inkscape" not in cleaned and "sodipodi" not in cleaned
    assert "<title>Balken</title>" in cleaned and 'fill="url(#g)"' in cleaned
    assert svg.clean(cleaned.encode()).decode() == cleaned  # cleaning is stable


def test_an_inline_raster_image_is_allowed():
    png = "data:image/png;base64,iVBORw0KGgo="
    cleaned = svg.clean(f'{HEAD}><image href="{png}" width="1" height="1"/></svg>'.encode())
    assert png in cleaned.decode()
