"""Segment status (missing, draft, approved, stale) kept in the PO files, and summaries.

The status lives in the catalog itself, in translator comments that Poedit and Weblate
keep (their format belongs to pipeline/comments.py):
- missing: the msgstr is empty;
- draft: a translation without a valid approval; "origin: machine, TEXT-HASH" marks a
  machine draft while the translation is still the text the machine gave, "drafted: NAME,
  TIME, TEXT-HASH" names the person who wrote it; any other translation is a person's
  draft by an unnamed author (an edit in Poedit). A draft a reviewer sent back is fuzzy
  and carries "sent back: NAME, TIME: COMMENT";
- approved: "approved: NAME, TIME, SOURCE-HASH, TEXT-HASH", where SOURCE-HASH is of the
  German it approved and TEXT-HASH of the translation, so that neither a changed German
  text nor a translation edited since is ever counted as approved;
- stale: the German changed since the translation was made or approved: the fuzzy flag,
  with the previous German kept (#| msgid). Clearing the flag (in Poedit or Weblate) means
  the translation was looked at again; it is then a draft that can be approved.

Every count of "approved" (status, the build gate, the landing page, the review app) is
`Summary.approved_share` over the catalog merged with the current German
(`current_catalogs`), so a catalog not yet updated after an edit never looks more
reviewed than it is.
"""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline import comments
from pipeline.catalogs import (
    catalog_path,
    current_catalog,
    read_catalog,
    template,
    translated_editions,
    write_catalog,
)
from pipeline.comments import TERM_OVERRIDE, source_hash, text_hash
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError
from pipeline.glossary import load_termbase
from pipeline.locks import catalog_lock
from pipeline.terms import SegmentChecker, TermFinding, check_sources, set_term_comments

STATUSES = ("missing", "draft", "approved", "stale")
__all__ = ["STATUSES", "source_hash", "text_hash", "status", "origin", "author", "summarize"]


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


def status(message: Message) -> str:
    """Return a segment's status: missing, draft, approved or stale."""
    if not message.string:
        return "missing"
    approval = comments.first(message, comments.APPROVED)
    if message.fuzzy and (message.previous_id or approval):
        return "stale"  # the German changed and nobody has looked at the translation since
    if approval and approval.hash == source_hash(message) and not message.fuzzy:
        if approval.text_hash in ("", text_hash(str(message.string))):
            return "approved"
    return "draft"


def origin(message: Message) -> str:
    """Return who made a draft: "machine", or "person" (also for a machine draft edited since)."""
    machine = comments.first(message, comments.ORIGIN)
    if machine and machine.hash in ("", text_hash(str(message.string))):
        return "machine"
    return "person"


def author(message: Message) -> str:
    """Return the name of the person who wrote the translation; "" if unknown or machine."""
    if origin(message) == "machine":
        return ""
    drafted = comments.first(message, comments.DRAFTED)
    if drafted and drafted.hash == text_hash(str(message.string)):
        return drafted.who
    return ""


def sent_back(message: Message) -> comments.Record | None:
    """Return the send-back record of a draft a reviewer sent back, while it is open."""
    record = comments.first(message, comments.SENT_BACK)
    return record if record and message.fuzzy else None


def machine_comment(text: str) -> str:
    """Return the comment that marks `text` as a machine draft."""
    return comments.machine_line(text)


def summarize(catalog: Catalog) -> Summary:
    """Count the statuses of every segment in a catalog."""
    counts = Counter({name: 0 for name in STATUSES})
    counts.update(status(m) for m in catalog if m.id)
    return Summary(dict(counts))


def segment_id(message: Message) -> str:
    """Return the id reviewers use for a segment: the hash of its German text."""
    return source_hash(message)


def current_catalogs(publication: Publication) -> dict[str, Catalog]:
    """Return every translated edition's catalog merged with the current German, in memory."""
    pot = template(publication)
    return {e.id: current_catalog(publication, e, pot) for e in translated_editions(publication)}


def edition_summaries(publication: Publication) -> dict[str, Summary]:
    """Summarize every translated edition against the current German; nothing is written."""
    return {edition: summarize(c) for edition, c in current_catalogs(publication).items()}


@dataclass(frozen=True)
class Segment:
    """One entry of a catalog as a reviewer sees it in `status --segments`."""

    id: str
    status: str
    origin: str  # "machine" or "person" for a translation, "" when there is none
    german: str


def segments(publication: Publication, edition_id: str) -> list[Segment]:
    """List every segment of one edition, merged with the current German: id, status, origin."""
    edition, path = _edition_catalog(publication, edition_id)
    catalog = current_catalog(publication, edition, template(publication))
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
    with catalog_lock(path) if refresh else nullcontext():
        return _checked_catalog(edition, path, checker, refresh)


def _checked_catalog(
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


def review_numbers(publication: Publication) -> dict[str, dict[str, object]]:
    """Return each translated edition's segments per status, its approved share and its open
    term findings: `status --json` and report.json's "review" alike."""
    issues = term_issues(publication)  # None: no termbase, so no term findings
    terms = open_term_findings(publication, issues) if issues is not None else {}
    return {
        edition: {**s.counts, "total": s.total, "approved_share": round(s.approved_share, 4)}
        | {"term_findings": terms.get(edition)}
        for edition, s in edition_summaries(publication).items()
    }


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
