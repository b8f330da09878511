"""What a reviewer sees of one segment, for the review app and the review packs alike.

`views` turns an edition's catalog (merged with the current German) into SegmentViews: the
German with its glossary terms and their definitions, the section heading and the
neighbouring segments, the translation and who made it, the QA findings, and for a stale
entry a word-level diff from the previous German and the translation approved before.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog, Message

from pipeline import comments
from pipeline.actions import version
from pipeline.checks import segment as qa
from pipeline.glossary import Termbase
from pipeline.review import author, origin, segment_id, sent_back, status
from pipeline.terms import SegmentChecker, TermIndex, plain, source_index

# The order of a reviewer's queue: what needs a decision first.
QUEUE_ORDER = {"stale": 0, "draft": 1, "missing": 2, "approved": 3}


@dataclass(frozen=True)
class Piece:
    """A run of the German text; `term` and `definition` are set for a glossary term."""

    text: str
    term: str = ""
    definition: str = ""
    concept: str = ""


@dataclass(frozen=True)
class SegmentView:
    """One segment as a reviewer sees it."""

    id: str
    index: int  # position in the document
    kind: str  # heading, paragraph, list-item, title, glossary definition, …
    status: str
    version: str
    german: str  # in segment markup
    heading: str  # the section the segment is in
    before: str  # the German of the previous and the next segment
    after: str
    translation: str
    origin: str  # "machine", "person" or "" (missing)
    author: str  # the person who wrote the translation, if known
    approved_by: str
    approved_at: str
    kept: tuple[str, ...]  # "NAME, TIME: REASON" of each kept approval
    sent_back: str  # "NAME, TIME: COMMENT" while the entry is sent back
    suggestion: str  # DeepL's draft beside a stale approved translation
    previous_german: str
    diff: tuple[tuple[str, str], ...]  # ("equal" | "delete" | "insert", words)
    previous_translation: str
    findings: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())  # other translator comments
    context: str = ""  # the msgctxt: a metadata field or "glossary:ID"

    @property
    def has_findings(self) -> bool:
        """Tell whether QA found anything."""
        return bool(self.findings)


def views(
    catalog: Catalog,
    checker: SegmentChecker | None = None,
    cache: dict[tuple[str, ...], SegmentView] | None = None,
) -> list[SegmentView]:
    """Return every segment of a catalog as a reviewer sees it, in document order.

    With a `checker`, the terminology findings are checked anew; without one, they are the
    catalog's "term:" comments, which every command that writes a translation refreshes.
    `cache` keeps the views of unchanged entries between calls (keyed by their version and
    their place), so that one saved entry costs one view, not a whole catalog's.
    """
    messages = [m for m in catalog if m.id]
    heading = ""
    found = []
    for number, message in enumerate(messages):
        kind = _kind(message)
        if kind == "heading":
            heading = plain(str(message.id))
        before = plain(str(messages[number - 1].id)) if number else ""
        after = plain(str(messages[number + 1].id)) if number + 1 < len(messages) else ""
        key = (version(message), str(number), heading, before, after)
        view = cache.get(key) if cache is not None and checker is None else None
        if view is None:
            view = _view(message, number, kind, heading, before, after, checker)
            if cache is not None and checker is None:
                cache[key] = view
        found.append(view)
    return found


def _view(
    message: Message,
    number: int,
    kind: str,
    heading: str,
    before: str,
    after: str,
    checker: SegmentChecker | None,
) -> SegmentView:
    german, translation = str(message.id), str(message.string or "")
    approval = comments.first(message, comments.APPROVED)
    previous = message.previous_id[0] if message.previous_id else ""
    back = sent_back(message)
    return SegmentView(
        id=segment_id(message),
        index=number,
        kind=kind,
        status=status(message),
        version=version(message),
        german=german,
        heading=heading,
        before=before,
        after=after,
        translation=translation,
        origin=origin(message) if translation else "",
        author=author(message) if translation else "",
        approved_by=approval.who if approval else "",
        approved_at=comments.stamp(approval.when) if approval and approval.when else "",
        kept=tuple(
            f"{r.who}, {comments.stamp(r.when) if r.when else ''}: {r.text}"
            for r in comments.records(message, comments.KEPT)
        ),
        sent_back=f"{back.who}, {comments.stamp(back.when) if back.when else ''}: {back.text}"
        if back
        else "",
        suggestion=next(iter(comments.texts(message, comments.SUGGESTION)), ""),
        previous_german=previous,
        diff=tuple(word_diff(plain(previous), plain(german))) if previous else (),
        previous_translation=next(iter(comments.texts(message, comments.PREVIOUS_TRANSLATION)), ""),
        findings=tuple(_findings(message, checker)),
        notes=tuple(c for c in message.user_comments if not c.startswith(comments.PREFIXES)),
        context=message.context or "",
    )


def _findings(message: Message, checker: SegmentChecker | None) -> list[str]:
    german, translation = str(message.id), str(message.string or "")
    if not translation:
        return []
    terms = [f.message for f in checker.check(german, translation)] if checker else []
    if checker is None:
        terms = comments.texts(message, comments.TERM)
    return terms + qa.findings(german, translation, None)


def german_pieces(german: str, termbase: Termbase | None) -> list[Piece]:
    """Return the German of a segment as plain text, with its glossary terms marked."""
    return _pieces(plain(german), _index(termbase) if termbase else None)


_INDEXES: dict[int, TermIndex] = {}


def _index(termbase: Termbase) -> TermIndex:
    if id(termbase) not in _INDEXES:
        _INDEXES.clear()
        _INDEXES[id(termbase)] = source_index(termbase)
    return _INDEXES[id(termbase)]


def _kind(message: Message) -> str:
    for comment in message.auto_comments:
        if comment.startswith("kind: "):
            return comment[len("kind: ") :]
    return "paragraph"


def _pieces(text: str, index: TermIndex | None) -> list[Piece]:
    if index is None:
        return [Piece(text)]
    pieces: list[Piece] = []
    at = 0
    for match in sorted(index.find(text), key=lambda m: m.start):
        if match.start < at:
            continue
        if match.start > at:
            pieces.append(Piece(text[at : match.start]))
        concept = match.concept
        pieces.append(
            Piece(text[match.start : match.end], match.term, concept.definition, concept.id)
        )
        at = match.end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return a word-level diff from `old` to `new`: runs of equal, deleted and inserted words."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "delete"):
            runs.append((op, "".join(a[i1:i2])))
        elif op == "insert":
            runs.append((op, "".join(b[j1:j2])))
        else:  # replace
            runs += [("delete", "".join(a[i1:i2])), ("insert", "".join(b[j1:j2]))]
    return runs


def queue(segments: list[SegmentView]) -> list[SegmentView]:
    """Return segments in review order: stale first, then drafts, then missing ones."""
    return sorted(segments, key=lambda s: (QUEUE_ORDER[s.status], s.index))


def recheck(view: SegmentView, catalog: Catalog, checker: SegmentChecker | None) -> SegmentView:
    """Return a view with its terminology findings checked anew against the termbase."""
    message = next((m for m in catalog if m.id and segment_id(m) == view.id), None)
    if message is None or checker is None:
        return view
    return dataclasses.replace(view, findings=tuple(_findings(message, checker)))
