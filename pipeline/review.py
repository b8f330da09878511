"""Segment status (missing, draft, approved, stale) kept in the PO files, and approval.

The status lives in the catalog itself, in forms that Poedit and Weblate keep:
- missing: the msgstr is empty;
- draft: a translation without a valid approval; a translator comment
  "origin: machine, TEXT-HASH" marks a machine draft, as long as the translation is still
  the text the machine gave (a reviewer's edit makes it a person's draft);
- approved: a translator comment "approved: NAME, DATE, SOURCE-HASH", where the hash is
  of the German it approved, so that a changed German text is never silently approved;
- stale: the German changed since the translation was made or approved: the fuzzy flag,
  with the previous German kept (#| msgid). Clearing the flag (in Poedit or Weblate) means
  the translation was looked at again; it is then a draft that can be approved.

A draft whose translation does not follow the termbase (pipeline/terms.py) is approved only
with a written reason, kept as a translator comment "term override: REASON".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline.catalogs import (
    catalog_path,
    read_catalog,
    template,
    translated_editions,
    write_catalog,
)
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError
from pipeline.glossary import load_termbase
from pipeline.terms import SegmentChecker, TermFinding, check_sources, set_term_comments

STATUSES = ("missing", "draft", "approved", "stale")
_MACHINE = re.compile(r"^origin: machine(?:, (?P<hash>[0-9a-f]{12}))?$")
_APPROVED = re.compile(r"^approved: (?P<who>.+), (?P<when>\S+), (?P<hash>[0-9a-f]{12})$")
TERM_OVERRIDE = "term override: "


@dataclass(frozen=True)
class Summary:
    """How many segments of one catalog have each status."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Return the number of segments."""
        return sum(self.counts.values())

    @property
    def approved_share(self) -> float:
        """Return the share of approved segments, 0 to 1."""
        return self.counts["approved"] / self.total if self.total else 1.0


def source_hash(message: Message) -> str:
    """Return a short hash of an entry's German text and context."""
    return hashlib.sha256(f"{message.context or ''}\x04{message.id}".encode()).hexdigest()[:12]


def status(message: Message) -> str:
    """Return a segment's status: missing, draft, approved or stale."""
    if not message.string:
        return "missing"
    approval = _approval(message)
    if message.fuzzy and (message.previous_id or approval):
        return "stale"  # the German changed and nobody has looked at the translation since
    if approval and approval.group("hash") == source_hash(message) and not message.fuzzy:
        return "approved"
    return "draft"


def origin(message: Message) -> str:
    """Return who made a draft: "machine", or "person" (also for a machine draft edited since)."""
    for comment in message.user_comments:
        if match := _MACHINE.match(comment):
            unedited = match.group("hash") in (None, text_hash(str(message.string)))
            return "machine" if unedited else "person"
    return "person"


def machine_comment(text: str) -> str:
    """Return the comment that marks `text` as a machine draft."""
    return f"origin: machine, {text_hash(text)}"


def text_hash(text: str) -> str:
    """Return a short hash of a translation."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def summarize(catalog: Catalog) -> Summary:
    """Count the statuses of every segment in a catalog."""
    counts = Counter({name: 0 for name in STATUSES})
    counts.update(status(m) for m in catalog if m.id)
    return Summary(dict(counts))


def approve(
    message: Message, reviewer: str, when: dt.datetime, override: str | None = None
) -> None:
    """Record that `reviewer` approved this translation; refuse what is not a draft.

    `override` is the reviewer's reason for approving it despite term findings.
    """
    current = status(message)
    if current == "stale":
        raise PipelineError(
            f"segment {segment_id(message)} is stale: the German changed since it was "
            "translated; review the translation (clear its fuzzy flag) first"
        )
    if current != "draft":
        raise PipelineError(f"segment {segment_id(message)} is {current}, not a draft")
    stamp = when.astimezone(dt.UTC).isoformat(timespec="seconds")
    comments = [
        c for c in message.user_comments if not (_APPROVED.match(c) or c.startswith(TERM_OVERRIDE))
    ]
    if override:
        comments.append(f"{TERM_OVERRIDE}{override}")
    message.user_comments = comments + [f"approved: {reviewer}, {stamp}, {source_hash(message)}"]
    message.flags.discard("fuzzy")


def segment_id(message: Message) -> str:
    """Return the id reviewers use for a segment: the hash of its German text."""
    return source_hash(message)


def _approval(message: Message) -> re.Match[str] | None:
    return next((m for c in message.user_comments if (m := _APPROVED.match(c))), None)


def edition_summaries(publication: Publication) -> dict[str, Summary]:
    """Summarize every translated edition's catalog; a missing catalog counts all missing."""
    pot = template(publication)
    summaries = {}
    for edition in translated_editions(publication):
        path = catalog_path(publication, edition)
        if path.exists():
            summaries[edition.id] = summarize(read_catalog(path, edition.lang))
        else:
            summaries[edition.id] = Summary({**dict.fromkeys(STATUSES, 0), "missing": len(pot)})
    return summaries


@dataclass(frozen=True)
class Segment:
    """One entry of a catalog as a reviewer sees it in `status --segments`."""

    id: str
    status: str
    origin: str  # "machine" or "person" for a translation, "" when there is none
    german: str


def segments(publication: Publication, edition_id: str) -> list[Segment]:
    """List every segment of one edition's catalog with its id, status and origin."""
    edition, path = _edition_catalog(publication, edition_id)
    catalog = read_catalog(path, edition.lang)
    return [
        Segment(segment_id(m), status(m), origin(m) if m.string else "", str(m.id))
        for m in catalog
        if m.id
    ]


def _edition_catalog(publication: Publication, edition_id: str) -> tuple[Edition, Path]:
    edition = next((e for e in translated_editions(publication) if e.id == edition_id), None)
    if edition is None:
        raise PipelineError(
            f"no translated edition '{edition_id}' in the config", publication.config_path
        )
    path = catalog_path(publication, edition)
    if not path.exists():
        raise PipelineError("no catalog yet; run `python -m pipeline catalogs` first", path)
    return edition, path


def approve_segments(
    publication: Publication,
    edition_id: str,
    reviewer: str,
    segments: list[str],
    all_drafts: bool,
    now: dt.datetime,
    override: str | None = None,
) -> int:
    """Approve the given segments (or every draft) of one edition; return how many.

    A draft with term findings needs `override`, a reason; without one it is left as it is
    and, once the others are saved, OpenTermFindings names it.
    """
    edition, path = _edition_catalog(publication, edition_id)
    catalog = read_catalog(path, edition.lang)
    chosen = [
        m
        for m in catalog
        if m.id and (segment_id(m) in segments or (all_drafts and status(m) == "draft"))
    ]
    unknown = set(segments) - {segment_id(m) for m in catalog if m.id}
    if unknown:
        raise PipelineError(f"no segment {', '.join(sorted(unknown))} in this catalog", path)
    termbase = load_termbase(publication)
    checker = SegmentChecker(termbase, edition.lang) if termbase else None
    override = " ".join((override or "").split()) or None  # a reason, not just spaces
    refused = []
    for message in chosen:
        findings = _findings(checker, message)
        set_term_comments(message, findings)
        if findings and not override and status(message) == "draft":
            refused.append(_refusal(message, findings))
            continue
        approve(message, reviewer, now, override if findings else None)
    write_catalog(catalog, path)
    if refused:
        raise OpenTermFindings(refused, len(chosen) - len(refused), path)
    return len(chosen)


class OpenTermFindings(PipelineError):
    """Drafts left unapproved: their terms differ from the termbase and no reason was given."""

    def __init__(self, lines: list[str], approved: int, path: Path):
        super().__init__("\n".join(f"{path}: {line}" for line in lines))
        self.approved = approved


def _refusal(message: Message, findings: list[TermFinding]) -> str:
    listed = "; ".join(f.message for f in findings)
    return (
        f"segment {segment_id(message)} not approved: {listed}; correct the translation or "
        'approve it with --override "REASON"'
    )


def _findings(checker: SegmentChecker | None, message: Message) -> list[TermFinding]:
    if checker is None or not message.string:
        return []
    return checker.check(str(message.id), str(message.string))


@dataclass(frozen=True)
class TermIssue:
    """A translated segment whose terms differ from the termbase."""

    edition: str
    path: Path  # the catalog
    line: int | None  # the entry's line in the catalog
    segment: str  # the segment id
    findings: tuple[TermFinding, ...]
    overridden: bool  # approved with a written reason


def term_issues(publication: Publication, refresh: bool = False) -> list[TermIssue] | None:
    """Check every translation against the termbase; None when there is no termbase.

    With `refresh`, each catalog's "term:" comments are replaced by the current findings
    (a catalog is written only where they changed).
    """
    termbase = load_termbase(publication)
    if termbase is None:
        return None
    issues: list[TermIssue] = []
    for edition in translated_editions(publication):
        path = catalog_path(publication, edition)
        if path.exists():
            checker = SegmentChecker(termbase, edition.lang)
            issues += _catalog_issues(edition, path, checker, refresh)
    return issues


def _catalog_issues(
    edition: Edition, path: Path, checker: SegmentChecker, refresh: bool
) -> list[TermIssue]:
    catalog = read_catalog(path, edition.lang)
    found, changed = {}, False
    for message in catalog:
        if message.id:
            findings = _findings(checker, message)
            changed |= set_term_comments(message, findings)
            if findings:
                found[(message.id, message.context)] = tuple(findings)
    if refresh and changed:
        write_catalog(catalog, path)
        catalog = read_catalog(path, edition.lang)  # for the entries' new line numbers
    return [
        TermIssue(edition.id, path, m.lineno, segment_id(m), found[key], _overridden(m))
        for m in catalog
        if (key := (m.id, m.context)) in found
    ]


def _overridden(message: Message) -> bool:
    reason = any(c.startswith(TERM_OVERRIDE) for c in message.user_comments)
    return reason and status(message) == "approved"


def open_term_findings(publication: Publication, issues: list[TermIssue]) -> dict[str, int]:
    """Count the findings per translated edition that no approval overrides."""
    counts = {e.id: 0 for e in translated_editions(publication)}
    for issue in issues:
        if not issue.overridden:
            counts[issue.edition] += len(issue.findings)
    return counts


def terminology_report(publication: Publication) -> dict[str, object] | None:
    """Return the termbase check of sources and catalogs for report.json; None without one."""
    termbase = load_termbase(publication)
    issues = term_issues(publication)
    if termbase is None or issues is None:
        return None
    root = publication.root
    source = [
        {"path": f.path.relative_to(root).as_posix(), "line": f.line, "column": f.column}
        | {"message": f.message}
        for f in check_sources(publication, termbase)
    ]
    editions: dict[str, object] = {}
    for edition, count in open_term_findings(publication, issues).items():
        listed = [i for i in issues if i.edition == edition and not i.overridden]
        editions[edition] = {
            "open": count,
            "overridden": sum(
                len(i.findings) for i in issues if i.edition == edition and i.overridden
            ),
            "findings": [
                {"segment": i.segment, "line": i.line, "message": f.message}
                for i in listed
                for f in i.findings
            ],
        }
    return {"forbidden_in_source": source, "editions": editions}
