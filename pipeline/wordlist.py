"""An edition's glossary section: the termbase's terms its text uses, with their definitions.

The section comes last in every format. In the text, the first occurrence of each term (in
any inflected form, found by pipeline/terms.py) links to its entry. Terms come from the
termbase in the edition's language; definitions are catalog entries with the context
"glossary:ID", reviewed like the text, and fall back to German marked as German. A term whose
translation no reviewer has approved says so.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pipeline.glossary import Concept, Termbase
from pipeline.i18n import text_direction, ui_text
from pipeline.segments import to_markup, units
from pipeline.source import Document, describe, marked, span, walk
from pipeline.terms import Match, TermIndex, plain

SECTION_ID = "glossary"


def definition_context(concept: Concept) -> str:
    """Return the msgctxt of a concept's definition in the catalogs."""
    return f"glossary:{concept.id}"


def used_concepts(termbase: Termbase, blocks: list[Any], easy: bool = False) -> list[Concept]:
    """Return the concepts with a definition (or, for Leichte Sprache, an easy explanation)
    whose source term the text uses, in order of first use."""
    explained = [
        c
        for c in termbase.concepts
        if c.status != "forbidden" and (c.easy if easy else c.definition)
    ]
    source = termbase.source_language
    index = TermIndex(source, [(c, c.terms[source]) for c in explained])
    found: dict[str, Concept] = {}
    for unit in units(blocks):
        for match in index.find(plain(to_markup(unit.inlines))):
            found.setdefault(match.concept.id, match.concept)
    return list(found.values())


@dataclass(frozen=True)
class Definition:
    """A definition as an edition shows it: its text and the language it is in."""

    text: str
    lang: str


def with_glossary(
    document: Document,
    concepts: list[Concept],
    definitions: dict[str, Definition],
    lang: str,
    source_lang: str,
    word_list: bool = False,
) -> Document:
    """Return the document with links from first occurrences and the glossary section.

    A Leichte Sprache edition calls it a word list (Wörterbuch).
    """
    if not concepts:
        return document
    ast = copy.deepcopy(document.ast)
    terms = [(c, c.term(lang) or c.terms[source_lang]) for c in concepts]
    # A link splits a Latin phrase in right-to-left text into inline boxes that WeasyPrint
    # then orders wrongly ("553 :PDF"); such terms are defined, just not linked.
    linkable = [(c, t) for c, t in terms if text_direction(lang) == "ltr" or _right_to_left(t)]
    _link_first_occurrences(ast["blocks"], TermIndex(lang, linkable))
    # The section is a top-level section of the text, like its other top-level headings.
    level = min((n["c"][0] for n in walk(ast["blocks"]) if n["t"] == "Header"), default=2)
    ast["blocks"] += _section(terms, definitions, lang, source_lang, level, word_list)
    return describe(ast, document.images)


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _anchor(concept: Concept) -> str:
    return f"term-{concept.id}"


def _section(
    terms: list[tuple[Concept, str]],
    definitions: dict[str, Definition],
    lang: str,
    source: str,
    level: int,
    word_list: bool,
) -> list[dict[str, Any]]:
    items = []
    for concept, term in sorted(terms, key=lambda pair: pair[1].casefold()):
        # A term the termbase lacks in this language is shown, and marked, in German.
        term_lang = source if lang != source and not concept.term(lang) else ""
        label: list[Any] = [span(_words(term), term_lang, _anchor(concept))]
        if lang != source and lang not in concept.approved and concept.status == "preferred":
            status = ui_text("term not yet reviewed", lang)
            note = marked(status, _words(f"({status})"))
            label += [{"t": "Space"}, span(note, classes=("term-status",))]
        definition = definitions.get(concept.id, Definition(concept.definition, source))
        body = _sentences(definition.text) if word_list else _words(definition.text)
        if definition.lang != lang:
            body = [span(body, definition.lang)]
        items.append([label, [[{"t": "Para", "c": body}]]])
    title = ui_text("Word list", lang) if word_list else ui_text("Glossary", lang)
    header = {"t": "Header", "c": [level, [SECTION_ID, [], []], marked(title, _words(title))]}
    return [header, {"t": "DefinitionList", "c": items}]


def _sentences(text: str) -> list[dict[str, Any]]:
    """Return the inlines of a text with every sentence on a line of its own."""
    inlines: list[dict[str, Any]] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if inlines:
            inlines.append({"t": "LineBreak"})
        inlines += _words(sentence)
    return inlines


def _words(text: str) -> list[dict[str, Any]]:
    inlines: list[dict[str, Any]] = []
    for word in text.split():
        if inlines:
            inlines.append({"t": "Space"})
        inlines.append({"t": "Str", "c": word})
    return inlines


def _link_first_occurrences(blocks: list[Any], index: TermIndex) -> None:
    linked: set[str] = set()
    for unit in units(blocks):
        if unit.kind == "heading":
            continue  # a heading is a link target of its own, not a place for links
        text = "".join(piece.text for piece in _pieces(unit.inlines))
        for match in index.find(text):
            # A link keeps the text as it is, so the offsets of later matches stay valid.
            if match.concept.id not in linked and _link(_pieces(unit.inlines), match, text):
                linked.add(match.concept.id)


@dataclass
class _Piece:
    """A run of a unit's text, with the inline list and position it comes from."""

    text: str
    parent: list[Any] | None  # the list holding the Str, None for text that cannot be linked
    node: dict[str, Any] | None
    start: int


def _pieces(inlines: list[Any]) -> list[_Piece]:
    pieces: list[_Piece] = []
    offset = 0

    def visit(nodes: list[Any], linkable: bool) -> None:
        nonlocal offset
        for node in nodes:
            kind = node["t"]
            if kind == "Str":
                pieces.append(_Piece(node["c"], nodes if linkable else None, node, offset))
                offset += len(node["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                pieces.append(_Piece(" ", None, None, offset))
                offset += 1
            elif kind in ("Emph", "Strong", "Underline"):
                visit(node["c"], linkable)
            elif kind in ("Span", "Quoted"):
                visit(node["c"][1], linkable)
            elif kind == "Link":
                visit(node["c"][1], False)  # never a link inside a link

    visit(inlines, True)
    return pieces


def _link(pieces: list[_Piece], match: Match, text: str) -> bool:
    """Wrap the Str nodes of one match in a link; False if the match cannot be linked."""
    covered = [p for p in pieces if p.start < match.end and p.start + len(p.text) > match.start]
    words = [p for p in covered if p.node is not None]
    if not words or any(p.parent is not words[0].parent for p in words):
        return False
    parent = words[0].parent
    assert parent is not None
    first = next(i for i, node in enumerate(parent) if node is words[0].node)
    last = next(i for i, node in enumerate(parent) if node is words[-1].node)
    if any(p.node is None and p.text != " " for p in covered):
        return False
    nodes = parent[first : last + 1]
    # Split off text before and after the term in the first and last Str ("(Integration,").
    before = text[words[0].start : match.start] if match.start > words[0].start else ""
    end_of_last = words[-1].start + len(words[-1].text)
    after = text[match.end : end_of_last] if match.end < end_of_last else ""
    inner = copy.deepcopy(nodes)
    if before:
        inner[0] = {"t": "Str", "c": inner[0]["c"][len(before) :]}
    if after:
        inner[-1] = {"t": "Str", "c": inner[-1]["c"][: -len(after)]}
    link = {"t": "Link", "c": [["", ["term"], []], inner, [f"#{_anchor(match.concept)}", ""]]}
    replacement: list[dict[str, Any]] = [{"t": "Str", "c": before}] if before else []
    replacement += [link] + ([{"t": "Str", "c": after}] if after else [])
    parent[first : last + 1] = replacement
    return True
