"""Translatable segments of a pandoc AST, and the inline markup that carries them.

A segment is the inline content of one block: a heading, a paragraph, a list item, a table
cell, a caption, a footnote paragraph, or an image's alt text. Its text (the future msgid)
is written in a small XML-like markup, so that emphasis, links and language spans survive
translation, while link targets and image paths never become translatable text:

    Mehr auf der <a id="1">Seite der <em>Stadt</em></a>, <span lang="en">welcome</span>.

`<a id="N">` is the N-th link of the segment, `<img id="N"/>` its N-th inline image and
`<note id="N"/>` its N-th footnote; their targets and contents come from the German source.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.errors import PipelineError

_WRAPPERS = {
    "Emph": "em",
    "Strong": "strong",
    "Strikeout": "del",
    "Superscript": "sup",
    "Subscript": "sub",
    "Underline": "u",
    "SmallCaps": "sc",
}
_TAGS = {tag: kind for kind, tag in _WRAPPERS.items()}


class MarkupError(PipelineError):
    """A translated segment's markup does not fit its German source."""


@dataclass(frozen=True)
class Unit:
    """One translatable piece of the AST: its kind and the (mutable) list of its inlines."""

    kind: str
    inlines: list[Any]


def units(blocks: list[Any], kind: str = "paragraph") -> Iterator[Unit]:
    """Yield every translatable unit of a block list, in reading order."""
    for block in blocks:
        yield from _block_units(block, kind)


def _block_units(block: dict[str, Any], kind: str) -> Iterator[Unit]:
    tag: str = block["t"]
    content: Any = block.get("c")
    if tag in ("Para", "Plain"):
        yield Unit(kind, content)
        yield from _inline_units(content)
    elif tag == "Header":
        yield Unit("heading", content[2])
        yield from _inline_units(content[2])
    elif tag in ("BulletList", "OrderedList"):
        for item in content if tag == "BulletList" else content[1]:
            yield from units(item, "list-item")
    elif tag in ("BlockQuote", "Div"):
        yield from units(content if tag == "BlockQuote" else content[1], kind)
    elif tag == "Figure":
        yield from units(content[1][1], "caption")
        yield from units(content[2], kind)
    elif tag == "Table":
        yield from units(content[1][1], "caption")
        for cell in _cells(content):
            yield from units(cell[4], "table-cell")


def _cells(table: list[Any]) -> Iterator[list[Any]]:
    head, bodies, foot = table[3], table[4], table[5]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    for row in rows:
        yield from row[1]


def _inline_units(inlines: list[Any]) -> Iterator[Unit]:
    for node in inlines:
        tag: str = node["t"]
        content: Any = node.get("c")
        if tag == "Image":
            yield Unit("alt", content[1])
        elif tag == "Note":
            yield from units(content, "footnote")
        elif tag in _WRAPPERS or tag == "Quoted":
            yield from _inline_units(content if tag in _WRAPPERS else content[1])
        elif tag in ("Span", "Link"):
            yield from _inline_units(content[1])


def to_markup(inlines: list[Any]) -> str:
    """Write inlines as segment markup."""
    counters = {"a": 0, "img": 0, "note": 0}
    return "".join(_markup(node, counters) for node in inlines)


def _markup(node: dict[str, Any], counters: dict[str, int]) -> str:
    tag: str = node["t"]
    content: Any = node.get("c")
    if tag == "Str":
        return _escape(content)
    if tag in ("Space", "SoftBreak"):
        return " "
    if tag == "LineBreak":
        return "<br/>"
    if tag in _WRAPPERS:
        inner = "".join(_markup(n, counters) for n in content)
        return f"<{_WRAPPERS[tag]}>{inner}</{_WRAPPERS[tag]}>"
    if tag == "Code":
        return f"<code>{_escape(content[1])}</code>"
    if tag == "Span":
        lang = dict(content[0][2]).get("lang")
        inner = "".join(_markup(n, counters) for n in content[1])
        return f'<span lang="{_escape(lang)}">{inner}</span>' if lang else f"<span>{inner}</span>"
    if tag in ("Link", "Image", "Note"):
        name = {"Link": "a", "Image": "img", "Note": "note"}[tag]
        counters[name] += 1
        if tag != "Link":
            return f'<{name} id="{counters[name]}"/>'
        inner = "".join(_markup(n, counters) for n in content[1])
        return f'<a id="{counters[name]}">{inner}</a>'
    if tag == "Quoted":
        return "".join(_markup(n, counters) for n in content[1])
    raise MarkupError(f"cannot translate inline element {tag}")


def from_markup(markup: str, source: list[Any]) -> list[Any]:
    """Read segment markup back into inlines; links, images and notes come from `source`."""
    try:
        root = ET.fromstring(f"<s>{markup}</s>")
    except ET.ParseError as exc:
        raise MarkupError(f"the markup is broken ({exc})") from None
    originals = _originals(source)
    inlines = _read(root, originals)
    missing = {f"<{k} id={n}>" for k, n in originals if (k, n) not in _used(root)}
    if missing:
        raise MarkupError(f"the translation lost {', '.join(sorted(missing))}")
    return inlines


def _originals(source: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    counters = {"a": 0, "img": 0, "note": 0}
    for node in _flatten(source):
        name = {"Link": "a", "Image": "img", "Note": "note"}.get(node["t"])
        if name:
            counters[name] += 1
            found[(name, str(counters[name]))] = node
    return found


def _flatten(inlines: list[Any]) -> Iterator[dict[str, Any]]:
    # Document order, the order in which _markup numbers links, images and notes.
    for node in inlines:
        yield node
        tag: str = node["t"]
        content: Any = node.get("c")
        if tag in _WRAPPERS:
            yield from _flatten(content)
        elif tag in ("Span", "Link", "Quoted"):
            yield from _flatten(content[1])


def _used(root: ET.Element) -> set[tuple[str, str]]:
    return {(e.tag, e.get("id", "")) for e in root.iter() if e.tag in ("a", "img", "note")}


def _read(element: ET.Element, originals: dict[tuple[str, str], dict[str, Any]]) -> list[Any]:
    inlines = _text(element.text)
    for child in element:
        inlines.append(_element(child, originals))
        inlines += _text(child.tail)
    return inlines


def _element(child: ET.Element, originals: dict[tuple[str, str], dict[str, Any]]) -> Any:
    tag = child.tag
    if tag in _TAGS:
        return {"t": _TAGS[tag], "c": _read(child, originals)}
    if tag == "br":
        return {"t": "LineBreak"}
    if tag == "code":
        return {"t": "Code", "c": [["", [], []], child.text or ""]}
    if tag == "span":
        pairs = [["lang", child.get("lang")]] if child.get("lang") else []
        return {"t": "Span", "c": [["", [], pairs], _read(child, originals)]}
    if tag not in ("a", "img", "note"):
        raise MarkupError(f"<{tag}> is not allowed in a translation")
    original = originals.get((tag, child.get("id", "")))
    if original is None:
        raise MarkupError(f'<{tag} id="{child.get("id")}"> is not in the German text')
    if tag == "a":
        attr, _, target = original["c"]
        return {"t": "Link", "c": [attr, _read(child, originals), target]}
    return original


def _text(text: str | None) -> list[Any]:
    inlines: list[Any] = []
    for index, word in enumerate((text or "").split(" ")):
        if index:
            inlines.append({"t": "Space"})
        if word:
            inlines.append({"t": "Str", "c": word})
    return inlines


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def same_markup(source: str, translation: str) -> bool:
    """Tell whether a translation has exactly the source's tags, with the same attributes."""
    try:
        return _tags(source) == _tags(translation)
    except ET.ParseError:
        return False


def _tags(markup: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    root = ET.fromstring(f"<s>{markup}</s>")
    return sorted((e.tag, tuple(sorted(e.attrib.items()))) for e in root.iter() if e is not root)
