"""Ties that keep a number with its unit: "553 kB" and "§ 3" never break apart.

("2017/2018" needs none: Unicode's line breaking keeps digits and a slash together.)

Applied to an edition's text before it is rendered, so the web page, the PDF and the EPUB
break lines alike. The German source and the catalogs keep their plain spaces.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.source import Document, describe

NBSP = "\u00a0"
_NUMBER = re.compile(r"\d[\d.,]*$")
_UNIT = re.compile(r"(?:[kMGT]B|KB|Byte|%|‰|€|Euro|Prozent|km|cm|mm|m²|m|kg|g|Uhr|h|min)(?!\w)")
_SIGN = re.compile(r"(?:§§?|Nr\.|Art\.|Abs\.)$")  # "§ 3", "Nr. 5": the sign before a number


def tie_numbers(document: Document) -> Document:
    """Return the document with numbers tied to their units and signs."""
    ast = {**document.ast, "blocks": _tie(document.ast["blocks"])}
    return describe(ast, document.images)


def _tie(node: Any) -> Any:
    if isinstance(node, list):
        items = [_tie(item) for item in node]
        spaced = any(_is(i, "Space") or _is(i, "SoftBreak") for i in items)
        return _tie_inlines(items) if spaced else items
    if isinstance(node, dict):
        if node.get("t") == "Code":  # code shows what is typed: nothing added
            return node
        return {key: _tie(value) for key, value in node.items()}
    return node


def _tie_inlines(items: list[Any]) -> list[Any]:
    """Replace the space between a number and its unit (or a sign and its number)."""
    result: list[Any] = []
    index = 0
    while index < len(items):
        item = items[index]
        if (
            (_is(item, "Space") or _is(item, "SoftBreak"))  # a line break in the source too
            and result
            and index + 1 < len(items)
            and _is(result[-1], "Str")
            and _is(items[index + 1], "Str")
            and _tied(result[-1]["c"], items[index + 1]["c"])
        ):
            joined = result[-1]["c"] + NBSP + items[index + 1]["c"]
            result[-1] = {"t": "Str", "c": joined}
            index += 2
            continue
        result.append(item)
        index += 1
    return result


def _tied(before: str, after: str) -> bool:
    after = after.lstrip("([")
    return bool(
        (_NUMBER.search(before) and _UNIT.match(after))
        or (_SIGN.search(before) and after[:1].isdigit())
    )


def _is(node: Any, kind: str) -> bool:
    return isinstance(node, dict) and node.get("t") == kind
