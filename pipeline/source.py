"""Read the Markdown sources into one sanitized pandoc AST, and describe what it contains."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import PIL.Image

from pipeline import pandoc, svg
from pipeline.config import Publication
from pipeline.errors import SourceError, read_utf8
from pipeline.i18n import UiText, text_direction

# Where pandoc keeps the attributes ([id, classes, key-values]) in each node's content.
_ATTR_INDEX = {
    "Header": 1,
    "CodeBlock": 0,
    "Div": 0,
    "Figure": 0,
    "Table": 0,
    "Span": 0,
    "Code": 0,
    "Link": 0,
    "Image": 0,
}
# Attribute values reach the HTML; only these are harmless (no script, no styles).
_SAFE_ATTRIBUTES = {"lang", "dir", "alt"}
MAX_IMAGE_BYTES = 20_000_000
MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb is refused by its header
# Ids in the page templates; a source heading or span must not take them.
RESERVED_IDS = frozenset({"main", "toc-title", "imprint", "formats", "accessibility", "footnotes"})
_SAFE_URL = re.compile(r"^(https?:|mailto:|tel:|#|[^:]*$)", re.IGNORECASE)


@dataclass(frozen=True)
class Heading:
    """A section heading, as it appears in the table of contents."""

    level: int
    id: str
    text: str
    lang: str = ""  # the heading's own language, if it is not the document's


@dataclass(frozen=True)
class Image:
    """An image the document shows, with the file it comes from."""

    path: Path
    alt: str
    src: str  # where the outputs refer to it, relative to the edition directory
    data: bytes | None = None  # what is published, if not the file itself (a cleaned SVG)


@dataclass(frozen=True)
class Document:
    """The whole publication text as one pandoc AST, plus what the renderers need to know."""

    ast: dict[str, Any]
    headings: tuple[Heading, ...]
    images: tuple[Image, ...]
    lang_spans: tuple[tuple[str, str], ...]  # (language, text) of every language span
    has_tables: bool


def load_document(publication: Publication, sources: tuple[Path, ...] = ()) -> Document:
    """Read every source file, sanitize it and check that it can be published accessibly.

    `sources` are an edition's own files (Leichte Sprache); the publication's by default.
    """
    sources = sources or publication.sources
    for path in sources:
        read_utf8(path)  # pandoc would only warn about bytes that are not UTF-8
    parsed = [(path, pandoc.read_markdown(path)) for path in sources]
    shift = _heading_shift([ast for _, ast in parsed])
    blocks: list[Any] = []
    images: list[Image] = []
    previous_level = 1
    for path, ast in parsed:
        lines = read_utf8(path).splitlines()
        _check_depth(ast["blocks"], path)
        if not ast["blocks"]:
            raise SourceError("the source has no text; write the text or remove the file", path)
        for node in walk(ast["blocks"]):
            _check_node(node, path, lines, images, publication.root)
            if node["t"] == "Header":
                node["c"][0] += shift
                previous_level = _check_level(node, previous_level, shift, path, lines)
        blocks.extend(ast["blocks"])
    api_version = parsed[0][1]["pandoc-api-version"]
    ast = {"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}
    _unique_ids(ast)
    return describe(ast, tuple(images))


MAX_DEPTH = 40  # of nested lists, quotes and emphasis; deeper is no readable text


def _check_depth(blocks: list[Any], path: Path) -> None:
    """Refuse nesting too deep to read, before any recursive walk meets it."""
    stack: list[tuple[Any, int]] = [(blocks, 0)]
    while stack:
        tree, depth = stack.pop()
        if depth > MAX_DEPTH * 4:  # each level of a list is a few levels of JSON
            raise SourceError(
                f"lists, quotes or emphasis are nested more than {MAX_DEPTH} levels deep; "
                "flatten them",
                path,
            )
        children = tree.values() if isinstance(tree, dict) else tree
        if isinstance(tree, dict | list):
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def describe(ast: dict[str, Any], images: tuple[Image, ...]) -> Document:
    """Wrap a sanitized AST with what the renderers need to know about it."""
    return Document(
        ast=ast,
        headings=tuple(_headings(ast)),
        images=images,
        lang_spans=tuple(_lang_spans(ast)),
        has_tables=any(node["t"] == "Table" for node in walk(ast["blocks"])),
    )


def walk(tree: Any) -> Iterator[dict[str, Any]]:
    """Yield every AST node ({"t": ..., "c": ...}) in document order."""
    if isinstance(tree, dict):
        if "t" in tree:
            yield tree
        for value in tree.values():
            yield from walk(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from walk(item)


def stringify(tree: Any) -> str:
    """Return the plain text of an AST fragment."""
    parts = []
    for node in walk(tree):
        if node["t"] in ("Str", "Code", "Math"):
            parts.append(node["c"] if node["t"] == "Str" else node["c"][1])
        elif node["t"] in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
    return "".join(parts)


def attributes(node: dict[str, Any]) -> dict[str, str]:
    """Return a node's key-value attributes."""
    index = _ATTR_INDEX.get(node["t"])
    return dict(node["c"][index][2]) if index is not None else {}


def _check_node(
    node: dict[str, Any], path: Path, lines: list[str], images: list[Image], root: Path
) -> None:
    kind = node["t"]
    if kind in ("RawBlock", "RawInline"):
        # The reader never produces them; removing them anyway keeps outputs safe.
        node["t"], node["c"] = ("Para", []) if kind == "RawBlock" else ("Str", "")
    if kind in _ATTR_INDEX:
        attr = node["c"][_ATTR_INDEX[kind]]
        # Classes could borrow the templates' styles (e.g. hide text); ids are made unique later.
        attr[1] = []
        attr[2] = [[k, v] for k, v in attr[2] if k in _SAFE_ATTRIBUTES]
    if kind == "Link" and not _SAFE_URL.match(node["c"][2][0].strip()):
        target = node["c"][2][0]
        raise SourceError(
            f"link target '{target}' is not allowed; use an http(s), mailto or tel address",
            path,
            _line_of(lines, target) or _line_of(lines, unquote(target)),
        )
    if kind == "Image":
        images.append(_image(node, path, lines, len(images) + 1, root))


def _image(node: dict[str, Any], path: Path, lines: list[str], number: int, root: Path) -> Image:
    src = node["c"][2][0]
    line = _line_of(lines, src)
    alt = attributes(node).get("alt") or stringify(node["c"][1])
    if not alt.strip():
        raise SourceError(
            f"image '{src}' has no alt text; write it as ![what the image shows]({src})",
            path,
            line,
        )
    file = (path.parent / src).resolve()
    if ":" in src or src.startswith("/") or not file.is_relative_to(root) or not file.is_file():
        raise SourceError(
            f"image '{src}' is not a file inside the publication's directory", path, line
        )
    data = _checked_image(file, src, path, line)
    target = f"media/{number}-{file.name}"
    node["c"][2][0] = target
    return Image(path=file, alt=alt.strip(), src=target, data=data)


def _checked_image(file: Path, src: str, path: Path, line: int | None) -> bytes | None:
    """Refuse an image too large to decode safely; return an SVG's cleaned content."""
    size = file.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise SourceError(
            f"image '{src}' is {size // 1_000_000} MB; the limit is "
            f"{MAX_IMAGE_BYTES // 1_000_000} MB: make it smaller",
            path,
            line,
        )
    if file.suffix.lower() == ".svg":
        try:
            return svg.clean(file.read_bytes())
        except svg.UnsafeSvg as exc:
            raise SourceError(f"image '{src}' cannot be published: {exc}", path, line) from None
    try:
        with PIL.Image.open(file) as picture:  # reads the header only, decodes nothing
            width, height = picture.size
    except PIL.Image.DecompressionBombError:
        width = height = 0  # far beyond the limit: Pillow refused its header
    except (OSError, ValueError, SyntaxError):
        raise SourceError(
            f"image '{src}' is not a PNG, JPEG, GIF or WebP image that can be read", path, line
        ) from None
    if width * height > MAX_IMAGE_PIXELS or not width:
        pixels = f"{width} × {height}" if width else "far too many"
        raise SourceError(
            f"image '{src}' has {pixels} pixels; the limit is "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels: scale it down",
            path,
            line,
        )
    return None


def _line_of(lines: list[str], needle: str, prefix: str = "") -> int | None:
    return next(
        (n for n, line in enumerate(lines, start=1) if line.startswith(prefix) and needle in line),
        None,
    )


def _heading_shift(asts: list[dict[str, Any]]) -> int:
    # The publication title is the only level-1 heading; the sources' top level becomes 2.
    levels = [node["c"][0] for node in walk([a["blocks"] for a in asts]) if node["t"] == "Header"]
    return 2 - min(levels) if levels else 0


def _check_level(
    node: dict[str, Any], previous: int, shift: int, path: Path, lines: list[str]
) -> int:
    level = node["c"][0]
    text = stringify(node["c"][2])
    marker = "#" * (level - shift) + " "
    line = _line_of(lines, text, prefix=marker) or _line_of(lines, text)
    if level > 6:
        raise SourceError(f"heading '{text}' is nested too deep; use fewer levels", path, line)
    if level > previous + 1:
        raise SourceError(
            f"heading '{text}' skips a level; make it a level {previous} heading or less "
            "under its parent",
            path,
            line,
        )
    return level


def _unique_ids(ast: dict[str, Any]) -> None:
    # Two source files can produce the same heading id, and a source must not take an id
    # that the templates or pandoc's footnotes use (skip-link target, contents label, fn1).
    seen = set(RESERVED_IDS)
    for node in walk(ast["blocks"]):
        index = _ATTR_INDEX.get(node["t"])
        if index is None or not (node["c"][index][0] or node["t"] == "Header"):
            continue
        attr = node["c"][index]
        base = attr[0] or "section"
        if base.startswith(("fn", "toc-")):
            base = f"s-{base}"
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        attr[0] = candidate
        seen.add(candidate)


def _headings(ast: dict[str, Any]) -> Iterator[Heading]:
    for node in walk(ast["blocks"]):
        if node["t"] == "Header":
            level, (id_, _, _), inlines = node["c"]
            # A heading that is all one language span (a German fallback) is in that language.
            spans = [i for i in inlines if i["t"] != "Space"]
            whole = spans[0] if len(spans) == 1 and spans[0]["t"] == "Span" else None
            lang = attributes(whole).get("lang", "") if whole else ""
            yield Heading(level=level, id=id_, text=stringify(inlines), lang=lang)


def span(
    inlines: list[Any], lang: str = "", identifier: str = "", classes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Return a pandoc Span; one in another language also gets that language's direction,
    so that German inside Arabic is isolated and its punctuation stays its own."""
    attributes = [["lang", lang], ["dir", text_direction(lang)]] if lang else []
    return {"t": "Span", "c": [[identifier, list(classes), attributes], inlines]}


def marked(text: UiText, inlines: list[Any]) -> list[Any]:
    """Return the inlines of an interface string, in a span of its language if it falls back."""
    return [span(inlines, text.lang)] if text.lang else inlines


def _lang_spans(ast: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for node in walk(ast["blocks"]):
        if node["t"] == "Span" and (lang := attributes(node).get("lang")):
            yield lang, stringify(node["c"][1])
