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

from pipeline import atomic, comments, pandoc
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError, read_utf8
from pipeline.glossary import load_termbase
from pipeline.locks import catalog_lock
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
        with catalog_lock(path):
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


def current_catalog(
    publication: Publication, edition: Edition, pot: Catalog, read: Catalog | None = None
) -> Catalog:
    """Return an edition's catalog merged with the German source, the way msgmerge does.

    `read` is the catalog as already read from its file, merged in place; else it is read.
    """
    path = catalog_path(publication, edition)
    if read is not None:
        catalog = read
    elif path.exists():
        catalog = read_catalog(path, edition.lang)
    else:
        catalog = _new(publication, edition)
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
        # Babel counts lines from 0, and repeats its count in the message.
        line = exc.lineno + 1 if isinstance(getattr(exc, "lineno", None), int) else None
        reason = re.sub(r" on \d+$", "", str(exc))
        raise PipelineError(
            f"not a valid PO file ({reason}); fix it in a PO editor or restore it from git",
            path,
            line,
        ) from None
    lines = text.split("\n")
    for message in catalog:
        _take_previous(message)
        message.user_comments = comments.unwrapped(message.user_comments)
        _check_comments(message, lines, path)
    _check_entries(catalog, text, path)
    return catalog


def _check_comments(message: Message, lines: list[str], path: Path) -> None:
    for comment in message.user_comments:
        try:
            comments.parse(comment)
        except ValueError as exc:
            line = message.lineno
            for number in range((message.lineno or 1) - 1, 0, -1):  # the comment's own line
                if lines[number - 1].startswith(f"# {comment[:30]}"):
                    line = number
                    break
            raise PipelineError(f"{exc}; correct the line or delete it", path, line) from None


def _check_entries(catalog: Catalog, text: str, path: Path) -> None:
    # Babel keeps the last of two entries with the same msgid and msgctxt, and turns a plural
    # entry into a tuple; both would lose or garble a translation, so neither is read.
    charset = re.search(r"charset=([\w.-]+)", str(catalog.mime_headers))
    if catalog.charset.lower().replace("-", "") != "utf8" or (
        charset and charset.group(1).lower().replace("-", "") != "utf8"
    ):
        raise PipelineError(
            f"the catalog declares charset {catalog.charset}; the pipeline reads UTF-8 only: "
            "convert it (msgconv --to-code=UTF-8) and set charset=UTF-8 in its header",
            path,
        )
    seen: dict[tuple[str | None, str], int] = {}
    for number, context, msgid in _entries(text):
        if msgid and (context, msgid) in seen:
            raise PipelineError(
                f"a second entry for the same German text (the first is at line "
                f"{seen[(context, msgid)]}); merge the two entries into one",
                path,
                number,
            )
        seen[(context, msgid)] = number
    for message in catalog:
        if isinstance(message.id, tuple | list):
            raise PipelineError(
                "a plural entry (msgid_plural); the pipeline's segments have no plural forms, "
                "so write one msgid and one msgstr",
                path,
                message.lineno,
            )


def _entries(text: str) -> list[tuple[int, str | None, str]]:
    """Return each active entry's msgid line, msgctxt and msgid, read from the PO text."""
    found: list[tuple[int, str | None, str]] = []
    context: str | None = None
    field, number = "", 0
    parts: dict[str, list[str]] = {"msgctxt": [], "msgid": []}
    for index, line in enumerate(text.split("\n") + [""], start=1):
        keyword, _, rest = line.partition(" ")
        if line.startswith('"') and field in parts:
            parts[field].append(unescape(line))
            continue
        if field == "msgid" and keyword != "msgid":
            context = "".join(parts["msgctxt"]) if parts["msgctxt"] else None
            found.append((number, context, "".join(parts["msgid"])))
            parts = {"msgctxt": [], "msgid": []}
        field = keyword if keyword in parts else ""
        if keyword in parts:
            parts[keyword] = [unescape(rest)]
            number = index if keyword == "msgid" else number
    return found


_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(
    rf"^(#.*|(#~ )?(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?) {_STRING}|(#~ )?{_STRING}|\s*)$"
)


def _check_syntax(text: str, path: Path) -> None:
    # Babel's reader accepts broken lines (an unclosed quote) and silently loses text.
    for number, line in enumerate(text.split("\n"), start=1):
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
    like = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    atomic.write_text(path, render_catalog(catalog, like))


_GENERATOR = re.compile(r'^"Generated-By: [^"\n]*\\n"$', re.MULTILINE)


def render_catalog(catalog: Catalog, like: str | None = None) -> str:
    """Return a catalog as the pipeline writes it, with previous msgids in "#|" syntax.

    `like` is the file's text before: its Generated-By header line stays, so that a newer
    Babel does not change a line of a file nobody changed.
    """
    text = _render(catalog)
    kept = _GENERATOR.search(like or "")
    return _GENERATOR.sub(lambda _: kept.group(), text, count=1) if kept else text


def render_changed(text: str, messages: list[Message]) -> str | None:
    """Return a catalog's text with only `messages` written anew, every other byte kept.

    `text` must be in the pipeline's own form (render_catalog); None when an entry is not
    found in it, and the caller renders the whole catalog instead.
    """
    blocks = text.split("\n\n")
    where = {_block_key(block): number for number, block in enumerate(blocks) if number}
    for message in messages:
        single = Catalog(fuzzy=False)
        single[message.id] = message
        block = _render(single, omit_header=True).strip("\n")
        number = where.get(_block_key(block))
        if number is None:
            return None
        ending = blocks[number][len(blocks[number].rstrip("\n")) :]
        blocks[number] = block + ending
    return "\n\n".join(blocks)


def _block_key(block: str) -> tuple[str, ...]:
    return tuple(line for line in block.split("\n") if line.startswith(("msgctxt ", "msgid ")))


def _render(catalog: Catalog, omit_header: bool = False) -> str:
    previous = {(m.id, m.context): m.previous_id for m in catalog if m.previous_id}
    for message in catalog:
        message.previous_id = []
    buffer = io.BytesIO()
    # Unwrapped lines: Babel wraps "#|" lines into invalid syntax, and we add them ourselves;
    # with width 0 it would still wrap comments at 76 characters, so the width is "never".
    write_po(
        buffer,
        catalog,
        width=10**9,
        sort_output=False,
        ignore_obsolete=False,
        omit_header=omit_header,
    )
    for message in catalog:
        message.previous_id = previous.get((message.id, message.context), [])
    return _insert_previous(buffer.getvalue().decode("utf-8"), previous)


def _insert_previous(text: str, previous: dict) -> str:
    wanted = {
        (f"msgid {escape(msgid)}", f"msgctxt {escape(context)}" if context else None): ids
        for (msgid, context), ids in previous.items()
    }
    lines: list[str] = []
    for line in text.split("\n"):
        if wanted and line.startswith("msgid "):
            before = lines[-1] if lines and lines[-1].startswith("msgctxt ") else None
            ids = wanted.pop((line, before), None)
            if ids:
                lines.insert(len(lines) - 1 if before else len(lines), f"#| msgid {escape(ids[0])}")
        lines.append(line)
    return "\n".join(lines)
