"""Soft hyphens in the long words of a web page, so that a phone breaks "Integrations-konzept".

Debian's Chromium ships no hyphenation dictionaries, so `hyphens: auto` does nothing
there. pyphen (WeasyPrint's own hyphenator, with LibreOffice's patterns) marks where a
long word may break, with U+00AD SOFT HYPHEN: invisible unless the browser has to break
there, and then shown as a hyphen. Only the web page gets them: the PDF's text and tags
and the EPUB keep whole words, and a search of the page still finds the word.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pyphen

SOFT_HYPHEN = "\u00ad"
LONG = 13  # letters: shorter words fit on a 320 px line at the heading sizes
_WORD = re.compile(rf"[^\W\d_]{{{LONG},}}")


def hyphenate_ast(ast: dict[str, Any], lang: str) -> dict[str, Any]:
    """Return a copy of the AST with soft hyphens in its long words, each in its language."""
    return {**ast, "blocks": _walk(ast["blocks"], lang)}


def hyphenate_text(text: str, lang: str) -> str:
    """Put soft hyphens into the long words of a plain text."""
    dictionary = _dictionary(lang)
    if dictionary is None:
        return text
    return _WORD.sub(lambda m: _inserted(m.group(), dictionary), text)


def _inserted(word: str, dictionary: pyphen.Pyphen) -> str:
    # Only breaks between pieces of two letters or more: the patterns break "Zusammenarbeit"
    # as "me-n-a-r", where the letters between such breaks are better left whole.
    ends = [0, *dictionary.positions(word), len(word)]
    cuts = [
        cut
        for before, cut, after in zip(ends, ends[1:], ends[2:], strict=False)
        if cut - before >= 2 and after - cut >= 2
    ]
    pieces = [word[start:end] for start, end in zip([0, *cuts], [*cuts, len(word)], strict=True)]
    return SOFT_HYPHEN.join(pieces)


def _walk(node: Any, lang: str) -> Any:
    if isinstance(node, list):
        return [_walk(item, lang) for item in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("t")
    if kind == "Str":
        return {"t": "Str", "c": hyphenate_text(node["c"], lang)}
    if kind in ("Code", "CodeBlock", "RawInline", "RawBlock", "Math"):
        return node  # shown as written
    if kind == "Link":  # the address stays as it is; the link text is hyphenated
        attributes, inlines, target = node["c"]
        return {"t": "Link", "c": [attributes, _walk(inlines, lang), target]}
    if kind == "Image":  # its alt text is read aloud, never broken
        return node
    if kind in ("Span", "Div"):
        attributes, content = node["c"]
        own = dict(attributes[2]).get("lang", lang)
        return {"t": kind, "c": [attributes, _walk(content, own)]}
    return {key: _walk(value, lang) for key, value in node.items()}


@cache
def _dictionary(lang: str) -> pyphen.Pyphen | None:
    for name in (lang.replace("-", "_"), lang.split("-")[0]):
        if name in pyphen.LANGUAGES:
            return pyphen.Pyphen(lang=name)
    return None  # no patterns for the language (Arabic, Turkish): words stay whole
