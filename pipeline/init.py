"""Create a new publication (config, source/, glossary/, translations/) from one document."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

from pipeline import atomic, pandoc
from pipeline.config import CONFIG_NAME, load_config
from pipeline.errors import PipelineError
from pipeline.source import stringify, walk


def init_publication(
    directory: Path, source: Path, title: str | None = None, publisher: str | None = None
) -> Path:
    """Import `source` into a new publication in `directory`; return its config path."""
    if directory.exists() and not directory.is_dir():
        raise PipelineError("is a file, not a directory; choose a new directory", directory)
    if directory.exists() and any(directory.iterdir()):
        message = (
            "a publication already exists here"
            if (directory / CONFIG_NAME).exists()
            else ("this directory is not empty")
        )
        raise PipelineError(f"{message}; choose a new directory", directory)
    if not source.is_file():
        raise PipelineError("no such file; pass the Markdown, DOCX or ODT file to import", source)
    # Everything is made in a staging directory, so a failed import leaves nothing behind.
    staging = directory.with_name(f".{directory.name}.init")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _populate(staging, source, title, publisher)
        load_config(staging)  # the new config must be one that builds
        if directory.exists():
            directory.rmdir()
        staging.rename(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return directory / CONFIG_NAME


def _populate(directory: Path, source: Path, title: str | None, publisher: str | None) -> None:
    source_dir = directory / "source"
    for folder in (source_dir, directory / "glossary", directory / "translations"):
        folder.mkdir(parents=True, exist_ok=True)
    ast = pandoc.import_document(source, source_dir)
    meta = _meta_text(ast["meta"])
    title = title or meta.get("title") or _take_title_heading(ast) or source.stem
    publisher = publisher or meta.get("publisher") or meta.get("author")
    if not publisher:
        raise PipelineError("the document names no publisher; pass --publisher NAME", source)
    lang = meta.get("lang", "de")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise PipelineError(f"the document's language '{lang}' is not a language tag", source)
    markdown_name = f"{_stem(source)}.md"
    atomic.write_text(source_dir / markdown_name, pandoc.to_markdown(_body(ast)))
    text = _config_text(
        title=title,
        subtitle=meta.get("subtitle", ""),
        publisher=publisher,
        lang=lang,
        source=f"source/{markdown_name}",
    )
    atomic.write_text(directory / CONFIG_NAME, text)


def _meta_text(meta: dict[str, Any]) -> dict[str, str]:
    texts = {}
    for key, value in meta.items():
        if value["t"] == "MetaList":
            value = value["c"][0] if value["c"] else {"t": "MetaString", "c": ""}
        texts[key] = value["c"] if value["t"] == "MetaString" else stringify(value["c"])
    return {key: text.strip() for key, text in texts.items() if text.strip()}


def _take_title_heading(ast: dict[str, Any]) -> str:
    # A document that opens with its only level-1 heading names itself there.
    blocks = ast["blocks"]
    level_one = [n for n in walk(blocks) if n["t"] == "Header" and n["c"][0] == 1]
    if blocks and blocks[0]["t"] == "Header" and blocks[0]["c"][0] == 1 and len(level_one) == 1:
        return stringify(blocks.pop(0)["c"][2])
    return ""


def _body(ast: dict[str, Any]) -> dict[str, Any]:
    return {**ast, "meta": {}}


def _stem(source: Path) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in source.stem.lower()) or "text"


def _config_text(title: str, subtitle: str, publisher: str, lang: str, source: str) -> str:
    def value(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML string

    lines = [
        "# Created by `python -m pipeline init`. Every key is documented in pipeline/config.py.",
        f"title = {value(title)}",
        f"subtitle = {value(subtitle)}" if subtitle else '# subtitle = ""',
        f"publisher = {value(publisher)}",
        '# version = "Fassung 2026"',
        f"date = {dt.date.today().isoformat()}",
        f"source_language = {value(lang)}",
        f"sources = [{value(source)}]",
        "",
        f"[editions.{lang.split('-')[0].lower()}]",
        f"lang = {value(lang)}",
        'formats = ["html", "pdf", "epub"]',
        "",
        "# The accessibility statement of every edition: where readers report barriers, and",
        "# where they turn when nobody answers. Until email and the enforcement body are set,",
        "# every edition is published as a draft.",
        "[accessibility]",
        f"contact = {value(publisher)}",
        '# email = "barrierefreiheit@example.org"',
        '# phone = "01234 5678-0"',
        '# address = "Street 1, 12345 Town"',
        '# enforcement_body = "the enforcement body (Schlichtungsstelle) of your state"',
        '# enforcement_url = "https://…"',
        "",
    ]
    return "\n".join(lines)
