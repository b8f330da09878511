"""The one module that runs pandoc (from pypandoc-binary): reading, HTML fragments, EPUB."""

from __future__ import annotations

import json
import logging
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
    args = ["--extract-media=media", f"--resource-path={path.resolve().parent}"]
    convert = pypandoc.convert_file
    text = _run(
        lambda: convert(
            str(path.resolve()),
            "json",
            format=MARKDOWN if reader == "markdown" else reader,
            extra_args=args,
            cworkdir=str(source_dir),
        )
    )
    return json.loads(text)


def to_markdown(ast: Ast) -> str:
    """Write an AST as pandoc Markdown, the format of the sources."""
    args = ["--wrap=none", "--markdown-headings=atx"]
    return _run(
        lambda: pypandoc.convert_text(json.dumps(ast), MARKDOWN, format="json", extra_args=args)
    )


def write_epub(ast: Ast, target: Path, args: list[str]) -> None:
    """Write an AST as EPUB 3 to `target`, with further pandoc arguments."""
    _run(
        lambda: pypandoc.convert_text(
            json.dumps(ast), "epub3", format="json", outputfile=str(target), extra_args=args
        )
    )


def _run(call: Any) -> str:
    try:
        return call()
    except OSError as exc:
        raise ToolError(f"pandoc could not run ({exc}); run `make publish` to install it") from None
    except RuntimeError as exc:
        message = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unknown error"
        raise ToolError(f"pandoc failed: {message}") from None
