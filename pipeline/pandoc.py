"""The one module that runs pandoc (from pypandoc-binary): reading, HTML fragments, EPUB."""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path
from typing import Any

import pypandoc

from pipeline.errors import ToolError

log = logging.getLogger(__name__)

# Raw HTML or TeX in a source would reach the outputs unescaped, so readers never accept it.
MARKDOWN = "markdown-smart-raw_html-raw_attribute-raw_tex-tex_math_dollars"
IMPORT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".docx": "docx", ".odt": "odt"}

Ast = dict[str, Any]


def read_markdown(path: Path) -> Ast:
    """Parse a Markdown file into pandoc's JSON AST."""
    return json.loads(_run(lambda: pypandoc.convert_file(str(path), "json", format=MARKDOWN)))


def read_markdown_text(text: str) -> Ast:
    """Parse Markdown text into pandoc's JSON AST."""
    return json.loads(_run(lambda: pypandoc.convert_text(text, "json", format=MARKDOWN)))


def to_html(ast: Ast) -> str:
    """Render an AST as an HTML5 fragment (no <html> shell)."""
    # Unwrapped lines keep each element on one line, for the renderers' small rewrites.
    args = ["--wrap=none"]
    return _run(
        lambda: pypandoc.convert_text(json.dumps(ast), "html5", format="json", extra_args=args)
    )


def import_document(path: Path, source_dir: Path) -> Ast:
    """Read a Markdown, DOCX or ODT file into an AST, extracting its images to source_dir/media."""
    reader = IMPORT_FORMATS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(IMPORT_FORMATS))
        raise ToolError(f"cannot import '{path.suffix}' files; use one of {known}", path)
    if reader != "markdown":
        _check_archive(path)
    args = ["--extract-media=media", f"--resource-path={path.resolve().parent}"]
    convert = pypandoc.convert_file
    try:
        text = _run(
            lambda: convert(
                str(path.resolve()),
                "json",
                format=MARKDOWN if reader == "markdown" else reader,
                extra_args=args,
                cworkdir=str(source_dir),
            )
        )
    except ToolError as exc:
        raise ToolError(f"{exc.message}; is it a {path.suffix[1:].upper()} file?", path) from None
    return json.loads(text)


MAX_UNPACKED = 200_000_000  # bytes a DOCX or ODT may unpack to; more is a zip bomb


def _check_archive(path: Path) -> None:
    """Refuse an office file that is no zip archive, or one that unpacks to far too much."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ToolError(
            f"not a {path.suffix[1:].upper()} file (no zip archive inside); save it again "
            "from Word or LibreOffice",
            path,
        ) from None
    if unpacked > MAX_UNPACKED:
        raise ToolError(
            f"it unpacks to {unpacked // 1_000_000} MB, more than "
            f"{MAX_UNPACKED // 1_000_000} MB; it is damaged or a zip bomb: save it again",
            path,
        )


def to_markdown(ast: Ast) -> str:
    """Write an AST as pandoc Markdown, the format of the sources."""
    args = ["--wrap=none", "--markdown-headings=atx"]
    return _run(
        lambda: pypandoc.convert_text(json.dumps(ast), MARKDOWN, format="json", extra_args=args)
    )


def write_epub(ast: Ast, target: Path, resources: Path, args: list[str]) -> None:
    """Write an AST as EPUB 3 to `target`, its images from `resources` and nowhere else.

    pandoc fetches any URL or absolute path an image names; the sources are checked long
    before, and this makes sure once more that nothing outside the edition is embedded.
    """
    root = resources.resolve()
    for image in _images(ast["blocks"]):
        if (
            "://" in image
            or image.startswith(("/", "data:"))
            or not ((root / image).resolve().is_relative_to(root) and (root / image).is_file())
        ):
            raise ToolError(f"the EPUB would embed '{image}', which is not a file of {root}")
    args = [f"--resource-path={root}", *args]
    _run(
        lambda: pypandoc.convert_text(
            json.dumps(ast), "epub3", format="json", outputfile=str(target), extra_args=args
        )
    )


def _images(node: Any) -> list[str]:
    """Return the target of every Image in an AST fragment."""
    if isinstance(node, list):
        return [target for kid in node for target in _images(kid)]
    if not isinstance(node, dict):
        return []
    found = [str(node["c"][2][0])] if node.get("t") == "Image" else []
    return found + _images(node.get("c"))


def _run(call: Any) -> str:
    try:
        return call()
    except OSError as exc:
        raise ToolError(f"pandoc could not run ({exc}); run `make publish` to install it") from None
    except RuntimeError as exc:
        message = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unknown error"
        raise ToolError(f"pandoc failed: {message}") from None
