"""Apply a translation catalog to the German document: the text of a translated edition."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message

from pipeline.review import segment_id, status
from pipeline.segments import MarkupError, from_markup, to_markup, units
from pipeline.source import Document, describe


@dataclass(frozen=True)
class Localized:
    """A translated document and how each of its segments got its text."""

    document: Document
    used: dict[str, int]  # status -> number of segments shown with that status's text


def localize(
    document: Document,
    catalog: Catalog,
    catalog_file: Path,
    source_lang: str,
    include_unapproved: bool,
) -> Localized:
    """Replace each segment by its translation; fall back to German, marked as German."""
    ast = copy.deepcopy(document.ast)
    used: Counter[str] = Counter()
    for unit in units(ast["blocks"]):
        markup = to_markup(unit.inlines).strip()
        message = catalog.get(markup) if markup else None
        current = status(message) if message else "missing"
        if current == "approved" or (include_unapproved and current in ("draft", "stale")):
            assert message is not None
            unit.inlines[:] = _translated(message, unit.inlines, catalog_file)
            used[current] += 1
        elif markup:
            # Language of parts: a screen reader must read the German fallback as German.
            unit.inlines[:] = [_span(source_lang, list(unit.inlines))]
            used["missing" if current == "missing" else "withheld"] += 1
    return Localized(describe(ast, document.images), dict(used))


def _translated(message: Message, inlines: list[Any], catalog_file: Path) -> list[Any]:
    try:
        return from_markup(str(message.string), inlines)
    except MarkupError as exc:
        raise MarkupError(
            f"segment {segment_id(message)}: {exc.message}; correct the translation's tags",
            catalog_file,
            message.lineno,
        ) from None


def _span(lang: str, inlines: list[Any]) -> dict[str, Any]:
    return {"t": "Span", "c": [["", [], [["lang", lang]]], inlines]}
