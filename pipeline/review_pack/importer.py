"""Apply returned review files: every file is checked first, then each applies in one change.

A decision applies only to the entry it was made on (the same `version()`); otherwise it is
a conflict, kept with both sides in pipeline/conflicts.py and logged in the history. A
decision the rules refuse (four-eyes, a stale entry, terms without a reason) is reported
and changes nothing. The pack record remembers every decision applied or kept as a
conflict, so importing a file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline import conflicts
from pipeline.actions import Policy, Request, ReviewRefused, edition_policy, perform, version
from pipeline.comments import now, one_line, stamp
from pipeline.config import Publication
from pipeline.errors import PipelineError
from pipeline.history import Event, event
from pipeline.locks import locked
from pipeline.review import segment_id, status
from pipeline.review_pack import records
from pipeline.review_pack.reviewfile import Decision, ReviewFile, canonical, read_review
from pipeline.store import EditionCatalog, edition


@dataclass
class FileResult:
    """What one review file did."""

    review: ReviewFile
    applied: Counter[str] = field(default_factory=Counter)  # history action: count
    before: Counter[str] = field(default_factory=Counter)  # status before: count
    conflicts: list[conflicts.Conflict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    already: int = 0  # decisions imported before
    outcomes: dict[str, str] = field(default_factory=dict)  # decision digest: outcome


@dataclass
class ImportSummary:
    """What an import did, file by file."""

    root: Path
    results: list[FileResult]

    @property
    def conflicts(self) -> int:
        """Return the number of decisions that met a changed entry."""
        return sum(len(r.conflicts) for r in self.results)

    @property
    def applied(self) -> int:
        """Return the number of decisions applied."""
        return sum(r.applied.total() for r in self.results)

    def lines(self) -> list[str]:
        """Return the summary as printable lines."""
        out: list[str] = []
        for r in self.results:
            out += _file_lines(self.root, r)
        refused = sum(len(r.refused) for r in self.results)
        out.append(
            f"total: {self.applied} applied, {self.conflicts} conflict(s), {refused} refused"
        )
        return out


def import_reviews(publication: Publication, files: list[Path]) -> ImportSummary:
    """Check every review file, then apply each; raise PipelineError before applying any."""
    checked = [_check(publication, read_review(path)) for path in files]
    return ImportSummary(publication.root, [_apply(publication, r) for r in checked])


def _check(publication: Publication, review: ReviewFile) -> ReviewFile:
    path = review.path
    if review.publication != publication.slug:
        raise PipelineError(
            f"this review file is for another publication ({review.publication!r}, not "
            f"{publication.slug!r}); import it in that publication's project",
            path,
        )
    record = records.read(publication.root, review.pack)
    if record is None:
        raise PipelineError(
            f"the pack {review.pack[:8]} of this review file was not made in this project "
            "(it has no record in translations/packs/); import it where the pack was made",
            path,
        )
    edition(publication, record.edition)
    if review.edition != record.edition:
        raise PipelineError(_tampered(f"says edition {review.edition}"), path)
    if not one_line(review.reviewer):
        raise PipelineError("the review file names no reviewer; ask them to fill in the name", path)
    seen: set[str] = set()
    for d in review.decisions:
        shown = record.segments.get(d.segment)
        if shown is None or shown.version != d.version or d.segment in seen:
            raise PipelineError(_tampered(f"holds segment {d.segment[:12]!r}"), path)
        seen.add(d.segment)
    return review


def _tampered(what: str) -> str:
    return (
        f"the review file {what}, which its pack did not hold: it was changed after it was "
        "downloaded; ask the reviewer to send the file again as the pack saved it"
    )


def _apply(publication: Publication, review: ReviewFile) -> FileResult:
    root = publication.root
    result = FileResult(review)
    with locked(records.record_path(root, review.pack), "another import of this pack"):
        record = records.read(root, review.pack)
        assert record is not None  # checked, and records are never deleted
        todo = [(d, _digest(review, d)) for d in review.decisions]
        todo = [(d, key) for d, key in todo if key not in record.imported]
        result.already = len(review.decisions) - len(todo)
        if not todo:
            return result
        store = EditionCatalog(publication, edition(publication, record.edition))
        policy = edition_policy(publication, store.edition)
        when = now()
        store.change(lambda catalog: _decide(catalog, todo, record, policy, when, result))
        conflicts.record(root, record.edition, result.conflicts)
        for key, outcome in result.outcomes.items():
            record.imported[key] = {"outcome": outcome, "when": stamp(when)}
        records.write(root, record)
    return result


def _digest(review: ReviewFile, d: Decision) -> str:
    key = {"pack": review.pack, "reviewer": review.reviewer, **vars(d)}
    return hashlib.sha256(canonical(key).encode()).hexdigest()[:24]


def _decide(
    catalog: Catalog,
    todo: list[tuple[Decision, str]],
    record: records.PackRecord,
    policy: Policy,
    when: dt.datetime,
    result: FileResult,
) -> list[Event]:
    by_id = {segment_id(m): m for m in catalog if m.id}
    reviewer = result.review.reviewer
    events: list[Event] = []
    for d, key in todo:
        message = by_id.get(d.segment)
        if message is None or version(message) != d.version:
            found = _conflict(catalog, message, d, record, result.review, when)
            result.conflicts.append(found)
            result.outcomes[key] = "conflict"
            events.append(event("conflict", d.segment, reviewer, found.reason, when))
            continue
        before, saved = status(message), _state(message)
        request = Request(d.action, reviewer, d.text or None, d.comment)
        try:
            done = perform(message, request, policy, when)
        except ReviewRefused as exc:
            _restore(message, saved)  # an action may have changed the entry before refusing
            said = exc.message
            result.refused.append(said if d.segment in said else f"segment {d.segment}: {said}")
            continue
        events.append(done)
        result.applied[done.action] += 1
        result.before[before] += 1
        result.outcomes[key] = "applied"
    return events


def _conflict(
    catalog: Catalog,
    message: Message | None,
    d: Decision,
    record: records.PackRecord,
    review: ReviewFile,
    when: dt.datetime,
) -> conflicts.Conflict:
    shown = record.segments[d.segment]
    if message is None:
        # The German changed: the entry now has a new id and the old German as previous.
        message = next((m for m in catalog if m.id and shown.german in (m.previous_id or [])), None)
        reason = (
            "the German changed since the pack was made"
            if message is not None
            else "the segment is no longer in the German"
        )
    else:
        reason = (
            f"the translation or its status changed since the pack was made (now {status(message)})"
        )
    return conflicts.Conflict(
        segment=d.segment,
        reason=reason,
        pack=review.pack,
        file=review.path.name,
        reviewer=review.reviewer,
        action=d.action,
        text=d.text,
        comment=d.comment,
        pack_version=d.version,
        pack_german=shown.german,
        pack_translation=shown.translation,
        pack_status=shown.status,
        current_version=version(message) if message is not None else "",
        current_german=str(message.id) if message is not None else "",
        current_translation=str(message.string or "") if message is not None else "",
        current_status=status(message) if message is not None else "",
        when=stamp(when),
    )


def _state(message: Message) -> tuple[object, set[str], list[str], list[str]]:
    return (
        message.string,
        set(message.flags),
        list(message.user_comments),
        list(message.previous_id or []),
    )


def _restore(message: Message, saved: tuple[object, set[str], list[str], list[str]]) -> None:
    string, flags, user_comments, previous = saved
    message.string = string  # type: ignore[assignment]
    message.flags = flags
    message.user_comments = user_comments
    message.previous_id = previous


def _file_lines(root: Path, r: FileResult) -> list[str]:
    review = r.review
    lines = [
        f"{review.path.name}: {len(review.decisions)} decision(s) by {review.reviewer} on "
        f"{review.edition} (pack {review.pack[:8]})"
    ]
    if r.applied:
        done = ", ".join(f"{n} {action}" for action, n in sorted(r.applied.items()))
        was = ", ".join(f"{n} {s}" for s, n in sorted(r.before.items()))
        lines.append(f"  applied: {done} (before: {was})")
    if r.already:
        lines.append(f"  already imported, nothing changed: {r.already} decision(s)")
    lines += [f"  refused: {text}" for text in r.refused]
    store = conflicts.conflicts_path(root, review.edition).relative_to(root)
    lines += [
        f"  conflict: segment {c.segment}: {c.reason}; the reviewer's {c.action} and the "
        f"current entry are kept in {store}"
        for c in r.conflicts
    ]
    return lines
