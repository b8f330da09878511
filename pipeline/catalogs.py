"""The only module that reads and writes the PO catalogs in translations/, through Babel.

Conventions (see docs/translations.md): the msgid is a segment's German text in segment
markup (pipeline/segments.py); there is no msgctxt except for the publication's metadata
("title", "subtitle", "publisher", "version") and the glossary's definitions
("glossary:ID"); each entry carries its source locations (#:) and its kind (#.). A stale
entry keeps the German it was translated from as its previous msgid (#| msgid).
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, escape, read_po, unescape, write_po

from pipeline import atomic, pandoc
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError, read_utf8
from pipeline.glossary import load_termbase
from pipeline.segments import to_markup, units
from pipeline.wordlist import definition_context, used_concepts

METADATA = ("title", "subtitle", "publisher", "version")  # translated, with the field as msgctxt
_PREVIOUS = re.compile(r'^\| (msgctxt|msgid) (".*")$')


@dataclass(frozen=True)
class CatalogChange:
    """What updating one catalog did, for the CLI and the tests."""

    path: Path
    added: int
    stale: int
    obsolete: int


def catalog_path(publication: Publication, edition: Edition) -> Path:
    """Return where an edition's catalog lives: translations/<edition>.po."""
    return publication.root / "translations" / f"{edition.id}.po"


def translated_editions(publication: Publication) -> list[Edition]:
    """Return the editions translated from the source: another language, no text of its own."""
    return [
        e for e in publication.editions if e.lang != publication.source_language and not e.own_text
    ]


def template(publication: Publication) -> Catalog:
    """Collect every segment of the German source into a template catalog."""
    catalog = Catalog(project=publication.title, fuzzy=False)
    for field in METADATA:
        if text := getattr(publication, field):
            catalog.add(text, context=field, auto_comments=[f"kind: {field}"])
    blocks = []
    for path in publication.sources:
        lines = read_utf8(path).splitlines()
        relative = path.relative_to(publication.root).as_posix()
        ast = pandoc.read_markdown(path)
        blocks += ast["blocks"]
        for unit in units(ast["blocks"]):
            markup = to_markup(unit.inlines).strip()
            if not markup:
                continue
            location = (relative, _line(lines, unit.inlines))
            if markup in catalog:
                catalog[markup].locations.append(location)
            else:
                catalog.add(markup, locations=[location], auto_comments=[f"kind: {unit.kind}"])
    termbase = load_termbase(publication)
    if termbase is None:
        return catalog
    for concept in used_concepts(termbase, blocks):
        # The definitions of the edition's glossary section (pipeline/wordlist.py).
        term = concept.terms[termbase.source_language]
        comments = ["kind: glossary definition", f"glossary term: {term}"]
        catalog.add(concept.definition, context=definition_context(concept), auto_comments=comments)
    return catalog


def _line(lines: list[str], inlines: list) -> int:
    words = [node["c"] for node in inlines if node["t"] == "Str"][:3]
    probe = " ".join(words)
    for number, line in enumerate(lines, start=1):
        if probe and probe in line:
            return number
    first = words[0] if words else ""
    return next((n for n, line in enumerate(lines, start=1) if first and first in line), 1)


def update_catalogs(publication: Publication) -> list[CatalogChange]:
    """Create or update every translated edition's catalog from the German source."""
    pot = template(publication)
    changes = []
    for edition in translated_editions(publication):
        path = catalog_path(publication, edition)
        before = (
            {m.id for m in read_catalog(path, edition.lang) if m.id} if path.exists() else set()
        )
        catalog = current_catalog(publication, edition, pot)
        write_catalog(catalog, path)
        changes.append(
            CatalogChange(
                path=path,
                added=sum(1 for m in catalog if m.id and m.id not in before and not m.previous_id),
                stale=sum(1 for m in catalog if m.id and m.fuzzy and m.previous_id and m.string),
                obsolete=len(catalog.obsolete),
            )
        )
    return changes


def current_catalog(publication: Publication, edition: Edition, pot: Catalog) -> Catalog:
    """Return an edition's catalog merged with the German source, the way msgmerge does."""
    path = catalog_path(publication, edition)
    catalog = read_catalog(path, edition.lang) if path.exists() else _new(publication, edition)
    kept = {m.id: m.previous_id for m in catalog if m.previous_id}
    before = {(m.id, m.context): copy.copy(m) for m in catalog if m.id}
    catalog.update(pot, update_header_comment=False, update_creation_date=False)
    for message in catalog:
        # Babel forgets the previous German of an entry that was already stale.
        if message.fuzzy and not message.previous_id and message.id in kept:
            message.previous_id = kept[message.id]
        # Babel's fuzzy matching crosses contexts (a definition matched to a paragraph):
        # a new entry is only stale if its earlier version had the same context.
        previous = message.previous_id[0] if message.previous_id else None
        if previous and message.id not in kept and (previous, message.context) not in before:
            _unmatch(catalog, message, previous, before)
    return catalog


def _unmatch(catalog: Catalog, message: Message, previous: str, before: dict) -> None:
    """Undo a fuzzy match across contexts; the old translation becomes obsolete, not lost."""
    old = next((m for (i, _), m in before.items() if i == previous), None)
    if old is not None and catalog.get(old.id, old.context) is None:
        catalog.obsolete[(old.id, old.context) if old.context else old.id] = old
    message.string, message.previous_id, message.user_comments = "", [], []
    message.flags.discard("fuzzy")


def _new(publication: Publication, edition: Edition) -> Catalog:
    return Catalog(
        locale=edition.lang.replace("-", "_"),
        project=publication.title,
        msgid_bugs_address="",
        copyright_holder=publication.publisher,
        fuzzy=False,
    )


def read_catalog(path: Path, lang: str) -> Catalog:
    """Read a PO catalog, keeping the previous msgid of stale entries (Babel drops it)."""
    text = read_utf8(path)
    _check_syntax(text, path)
    try:
        catalog = read_po(io.StringIO(text), locale=lang.replace("-", "_"), abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", None)
        raise PipelineError(
            f"not a valid PO file ({exc}); fix it in a PO editor or restore it from git",
            path,
            line,
        ) from None
    for message in catalog:
        _take_previous(message)
        message.user_comments = _unwrapped(message.user_comments)
    return catalog


# The translator comments the pipeline writes: status records and term overrides
# (pipeline/review.py), machine-draft notes (pipeline/mt/translate.py) and term findings
# (pipeline/terms.py).
STATUS_COMMENTS = (
    "approved: ",
    "origin: ",
    "previous translation: ",
    "machine draft ",
    "term: ",
    "term override: ",
)


_COMPLETE = re.compile(r"^(approved: .+, [0-9a-f]{12}|origin: machine(, [0-9a-f]{12})?)$")


def _unwrapped(comments: list[str]) -> list[str]:
    """Join the lines of an approval or origin comment that another tool wrapped.

    xgettext and older Babel versions wrap comments at 76 characters; a wrapped approval
    would be lost. A line is joined only to an approval or origin that is incomplete, so a
    reviewer's own note below a complete one stays a comment of its own.
    """
    joined: list[str] = []
    for comment in comments:
        previous = joined[-1] if joined else ""
        incomplete = previous.startswith(("approved: ", "origin: ")) and not _COMPLETE.match(
            previous
        )
        if incomplete and not comment.startswith(STATUS_COMMENTS):
            joined[-1] = f"{previous} {comment}"
        else:
            joined.append(comment)
    return joined


_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(
    rf"^(#.*|(#~ )?(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?) {_STRING}|(#~ )?{_STRING}|\s*)$"
)


def _check_syntax(text: str, path: Path) -> None:
    # Babel's reader accepts broken lines (an unclosed quote) and silently loses text.
    for number, line in enumerate(text.splitlines(), start=1):
        if not _PO_LINE.match(line):
            raise PipelineError(
                "not a valid PO line; fix it in a PO editor (Poedit) or restore the file from git",
                path,
                number,
            )


def _take_previous(message: Message) -> None:
    # Babel's reader files "#| msgid" lines under translator comments (Babel issue 206).
    previous = [_PREVIOUS.match(c) for c in message.user_comments]
    message.user_comments = [
        c for c, m in zip(message.user_comments, previous, strict=True) if not m
    ]
    for match in previous:
        if match and match.group(1) == "msgid":
            message.previous_id = [unescape(match.group(2))]


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write a PO catalog atomically, with previous msgids in valid "#|" syntax."""
    previous = {(m.id, m.context): m.previous_id for m in catalog if m.previous_id}
    for message in catalog:
        message.previous_id = []
    buffer = io.BytesIO()
    # Unwrapped lines: Babel wraps "#|" lines into invalid syntax, and we add them ourselves;
    # with width 0 it would still wrap comments at 76 characters, so the width is "never".
    write_po(buffer, catalog, width=10**9, sort_output=False, ignore_obsolete=False)
    for message in catalog:
        message.previous_id = previous.get((message.id, message.context), [])
    atomic.write_text(path, _insert_previous(buffer.getvalue().decode("utf-8"), previous))


def _insert_previous(text: str, previous: dict) -> str:
    lines = text.split("\n")
    for (msgid, context), ids in previous.items():
        target = f"msgid {escape(msgid)}"
        for index, line in enumerate(lines):
            before = lines[index - 1] if index else ""
            if line != target or (context and before != f"msgctxt {escape(context)}"):
                continue
            at = index - 1 if context else index
            lines[at:at] = [f"#| msgid {escape(ids[0])}"]
            break
    return "\n".join(lines)
