"""Apply a translation catalog to the German document: the text of a translated edition."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message

from pipeline.catalogs import METADATA, catalog_path, current_catalog, template
from pipeline.comments import source_hash
from pipeline.config import Edition, Publication
from pipeline.glossary import Concept, Termbase
from pipeline.i18n import text_direction
from pipeline.review import segment_id, status, summarize
from pipeline.segments import MarkupError, from_markup, to_markup, units
from pipeline.source import Document, attributes, describe, load_document, span, walk
from pipeline.wordlist import Definition, definition_context, used_concepts, with_glossary


@dataclass(frozen=True)
class EditionText:
    """Everything an edition says: its metadata and document, and how far it is reviewed."""

    publication: Publication  # title, subtitle, publisher, version in the edition's language
    document: Document
    untranslated: frozenset[str]  # metadata fields still in the source language
    approved: int  # segments (metadata included) shown as approved or original text
    total: int
    draft: bool  # published with unreviewed text, and marked as a draft everywhere
    easy: bool = False  # a Leichte Sprache text; a draft until test readers checked it

    @property
    def held(self) -> bool:
        """Tell whether the edition is a draft because its accessibility statement lacks a
        contact or an enforcement body: no edition is final without them."""
        return bool(self.publication.accessibility.missing)

    @property
    def approved_share(self) -> float:
        """Return the share of approved segments, 0 to 1."""
        return self.approved / self.total if self.total else 1.0


def edition_text(
    publication: Publication,
    edition: Edition,
    document: Document,
    glossary: Sequence[Concept] = (),
    pot: Catalog | None = None,
) -> EditionText:
    """Translate the document and metadata for `edition`, as draft if the policy demands it.

    `glossary` lists the concepts of the edition's glossary section (pipeline/wordlist.py);
    `pot` is the German template (pipeline.catalogs.template), made once for all editions.
    """
    source = publication.source_language
    if edition.lang == source:
        document = with_glossary(document, list(glossary), {}, source, source)
        held = bool(publication.accessibility.missing)
        return EditionText(publication, document, frozenset(), 1, 1, draft=held)
    path = catalog_path(publication, edition)
    # Merged with the current German in memory: an entry whose German changed is stale, so
    # a catalog not yet updated after an edit never makes an edition look more reviewed
    # than it is, and a translation of older German is never shown as current.
    catalog = current_catalog(publication, edition, pot or template(publication))
    summary = summarize(catalog)  # the one "approved share" (pipeline/review.py)
    unreviewed = summary.approved_share < publication.policies.min_approved_share
    draft = unreviewed or bool(publication.accessibility.missing)
    text = localize(document, catalog, path, source, include_unapproved=unreviewed)
    fields = {f: getattr(publication, f) for f in METADATA if getattr(publication, f)}
    # Keyed by msgctxt: the metadata field's name, or "glossary:ID" for a definition.
    entries = [(f, f, text) for f, text in fields.items()] + [
        (definition_context(c), definition_context(c), c.definition) for c in glossary
    ]
    statuses = {key: _entry_status(catalog, context, text) for key, context, text in entries}
    usable = ("approved", "draft") if unreviewed else ("approved",)
    shown = {
        key: str(message.string)
        for key, context, german in entries
        if statuses[key] in usable and (message := catalog.get(german, context=context))
    }
    translated: dict[str, Any] = {f: shown[f] for f in fields if f in shown}
    definitions = {
        c.id: Definition(shown[definition_context(c)], edition.lang)
        if definition_context(c) in shown
        else Definition(c.definition, source)
        for c in glossary
    }
    return EditionText(
        publication=dataclasses.replace(publication, **translated),
        document=with_glossary(text.document, list(glossary), definitions, edition.lang, source),
        untranslated=frozenset(fields) - set(translated),
        approved=summary.counts["approved"],
        total=summary.total,
        draft=draft,
    )


def own_text(publication: Publication, edition: Edition, termbase: Termbase | None) -> EditionText:
    """Return the text of an edition with sources of its own, such as Leichte Sprache.

    An easy-language edition explains its hard words in a word list (the termbase's
    Leichte Sprache explanations) and is a draft until test readers have checked it.
    """
    document = load_document(publication, edition.sources)
    easy = edition.style == "easy"
    if easy:
        document = one_sentence_per_line(document)
    if termbase:
        concepts = used_concepts(termbase, document.ast["blocks"], easy=easy)
        # Leichte Sprache explanations are German like the edition; definitions are in
        # the termbase's source language.
        lang = edition.lang if easy else termbase.source_language
        explain = {c.id: Definition(c.easy if easy else c.definition, lang) for c in concepts}
        document = with_glossary(document, concepts, explain, edition.lang, edition.lang, easy)
    checked = bool(edition.checked_by)
    if edition.metadata:  # its own title, subtitle, version
        own = dict(edition.metadata)
        publication = dataclasses.replace(
            publication,
            title=own.get("title", publication.title),
            subtitle=own.get("subtitle", publication.subtitle),
            version=own.get("version", publication.version),
        )
    return EditionText(
        publication,
        document,
        frozenset(),
        int(checked or not easy),
        1,
        draft=(easy and not checked) or bool(publication.accessibility.missing),
        easy=easy,
    )


def one_sentence_per_line(document: Document) -> Document:
    """Keep the source's line breaks: in Leichte Sprache every sentence starts a new line."""
    ast = copy.deepcopy(document.ast)
    for node in walk(ast["blocks"]):
        if node["t"] == "SoftBreak":
            node["t"] = "LineBreak"
    return describe(ast, document.images)


def _entry_status(catalog: Catalog, context: str, german: str) -> str:
    message = catalog.get(german, context=context)
    return status(message) if message else "missing"


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
        # A stale entry translates older German: the reader gets the current German instead.
        if current == "approved" or (include_unapproved and current == "draft"):
            assert message is not None
            unit.inlines[:] = _translated(message, unit.inlines, catalog_file)
            used[current] += 1
        elif _has_text(markup):
            # Language of parts: a screen reader must read the German fallback as German.
            unit.inlines[:] = [span(list(unit.inlines), source_lang)]
            used["missing" if current == "missing" else "withheld"] += 1
        if _has_text(markup) and unit.kind not in ("alt", "heading"):  # nav has no room
            unit.inlines.insert(0, _anchor(markup))
    _mark_alt_languages(ast["blocks"])
    return Localized(describe(ast, document.images), dict(used))


def _has_text(markup: str) -> bool:
    # An image alone has no words of its own: its alt text is a segment of its own.
    return bool(re.sub(r"<[^>]*>", "", markup).strip())


def _mark_alt_languages(blocks: list[Any]) -> None:
    """Move the language of a fallback alt text onto its image, which HTML marks
    (`<img lang="de" alt="…">`): an alt attribute cannot hold a span."""
    for node in walk(blocks):
        if node["t"] != "Image":
            continue
        alt = node["c"][1]
        if len(alt) == 1 and alt[0]["t"] == "Span" and (lang := attributes(alt[0]).get("lang")):
            kept = [pair for pair in node["c"][0][2] if pair[0] not in ("lang", "dir")]
            node["c"][0][2] = [*kept, ["lang", lang], ["dir", text_direction(lang)]]
            node["c"][1] = alt[0]["c"][1]


def _anchor(markup: str) -> dict[str, Any]:
    """Return an empty span whose id is the segment's, for the review app's links.

    The print stylesheet hides it, so that the PDF gets no empty structure element.
    """
    segment = source_hash(Message(markup))
    return {"t": "Span", "c": [[f"seg-{segment}", ["segment-anchor"], []], []]}


def _translated(message: Message, inlines: list[Any], catalog_file: Path) -> list[Any]:
    try:
        return from_markup(str(message.string), inlines)
    except MarkupError as exc:
        raise MarkupError(
            f"segment {segment_id(message)}: {exc.message}; correct the translation's tags",
            catalog_file,
            message.lineno,
        ) from None
