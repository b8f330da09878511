"""Review actions on one catalog entry: approve, edit and approve, save a draft, send back,
keep an approval. The review app, review packs and `approve` all go through here.

Each action checks the entry's status and the policies, then changes the entry's status
lines (pipeline/comments.py) and returns the history event (pipeline/history.py):
- approve: a draft becomes approved. Under `policies.four_eyes` nobody approves a draft
  they wrote or edited themselves; a draft with no named author (a Poedit edit, or a
  machine draft) can be approved by anyone, and the history says so.
- edit: the reviewer's own text, approved at once; under four-eyes it is saved for a second
  reviewer instead.
- save: the reviewer's text as a draft that names them.
- send back: the entry becomes fuzzy with the reviewer's comment; `approve --all-drafts`
  skips it until somebody edits it.
- keep: a stale entry whose German change does not affect the meaning keeps its approval,
  with a required reason; the original approver stays, and DeepL is never asked.
A translation whose terms differ from the termbase is approved only with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline import comments
from pipeline.comments import one_line, source_hash
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError
from pipeline.glossary import load_termbase
from pipeline.history import Event, event
from pipeline.review import author, segment_id, sent_back, status
from pipeline.segments import same_markup
from pipeline.store import EditionCatalog, edition
from pipeline.terms import SegmentChecker, TermFinding, set_term_comments

ACTIONS = ("approve", "edit", "save", "send_back", "keep")
MAX_TRANSLATION = 20_000  # characters; a segment is one paragraph
# What a new translation makes obsolete: everything said about the text it replaces.
_REPLACED_BY_NEW_TEXT = (
    comments.APPROVED,
    comments.KEPT,
    comments.ORIGIN,
    comments.DRAFTED,
    comments.SENT_BACK,
    comments.SUGGESTION,
    comments.PREVIOUS_TRANSLATION,
    comments.LOST_MARKUP,
    comments.TERM_OVERRIDE,
)


class ReviewRefused(PipelineError):
    """An action the entry's status or the policies do not allow; nothing was changed."""


class TermsNeedReason(ReviewRefused):
    """An approval of a translation with terminology findings, without a reason."""

    def __init__(self, message: str, findings: list[TermFinding]):
        super().__init__(message)
        self.findings = findings


@dataclass(frozen=True)
class Request:
    """What a reviewer asks for one entry."""

    action: str  # one of ACTIONS
    reviewer: str
    text: str | None = None  # the new translation, for edit and save
    comment: str = ""  # the reason (term findings, keep) or the send-back comment


@dataclass(frozen=True)
class Policy:
    """The rules an action follows."""

    four_eyes: bool = False
    checker: SegmentChecker | None = None  # the termbase of the edition's language


def version(message: Message) -> str:
    """Return the entry's version: a hash of its German, translation, flags and status lines.

    A form carries it; a save whose entry has changed since is refused as a conflict.
    """
    state = [c for c in message.user_comments if c.startswith(comments.STATE_PREFIXES)]
    parts = [
        message.context or "",
        str(message.id),
        str(message.string),
        ",".join(sorted(message.flags)),
        "|".join(message.previous_id or []),
        *state,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def perform(message: Message, request: Request, policy: Policy, when: dt.datetime) -> Event:
    """Apply one reviewer's request to a catalog entry; raise ReviewRefused if not allowed."""
    cleaned = Request(
        request.action,
        comments.clean_name(request.reviewer),
        request.text,
        one_line(request.comment),
    )
    handlers = {
        "approve": _approve,
        "edit": _edit,
        "save": _save,
        "send_back": _send_back,
        "keep": _keep,
    }
    if request.action not in handlers:
        raise ReviewRefused(f"unknown action {request.action!r}; use one of {', '.join(ACTIONS)}")
    return handlers[request.action](message, cleaned, policy, when)


def _approve(message: Message, r: Request, policy: Policy, when: dt.datetime) -> Event:
    reviewer, comment = r.reviewer, r.comment
    current = status(message)
    if current == "stale":
        raise ReviewRefused(
            f"segment {source_hash(message)} is stale: the German changed since it was "
            "translated; edit the translation for the new German, or keep the approval"
        )
    if current != "draft":
        raise ReviewRefused(f"segment {source_hash(message)} is {current}, not a draft")
    if sent_back(message):
        raise ReviewRefused(
            f"segment {source_hash(message)} was sent back for another draft; edit it first"
        )
    writer = author(message)
    if policy.four_eyes and writer and writer.casefold() == reviewer.casefold():
        raise ReviewRefused(
            f"segment {source_hash(message)}: you wrote this draft, and four-eyes review is "
            "on; a second reviewer must approve it"
        )
    _check_terms(message, policy, comment)
    _record_approval(message, reviewer, when, comment)
    detail = (
        "" if writer or comments.first(message, comments.ORIGIN) else "draft by an unnamed author"
    )
    return event(
        "approved", source_hash(message), reviewer, " ".join((detail, comment)).strip(), when
    )


def _edit(message: Message, r: Request, policy: Policy, when: dt.datetime) -> Event:
    reviewer, comment = r.reviewer, r.comment
    if policy.four_eyes:
        saved = _save(message, r, policy, when)
        return event("saved for a second reviewer", saved.segment, reviewer, comment, when)
    _set_text(message, r, when)
    _check_terms(message, policy, comment)
    _record_approval(message, reviewer, when, comment)
    return event("edited and approved", source_hash(message), reviewer, comment, when)


def _save(message: Message, r: Request, policy: Policy, when: dt.datetime) -> Event:
    reviewer, comment = r.reviewer, r.comment
    _set_text(message, r, when)
    if policy.checker is not None:
        set_term_comments(message, policy.checker.check(str(message.id), str(message.string)))
    return event("drafted", source_hash(message), reviewer, comment, when)


def _send_back(message: Message, r: Request, policy: Policy, when: dt.datetime) -> Event:
    reviewer, comment = r.reviewer, r.comment
    if not message.string:
        raise ReviewRefused(f"segment {source_hash(message)} has no translation to send back")
    if not comment:
        raise ReviewRefused("say what should change: sending back needs a comment")
    message.user_comments = comments.without(message, comments.SENT_BACK, comments.APPROVED) + [
        comments.sent_back_line(reviewer, when, comment)
    ]
    message.flags.add("fuzzy")
    return event("sent back", source_hash(message), reviewer, comment, when)


def _keep(message: Message, r: Request, policy: Policy, when: dt.datetime) -> Event:
    reviewer, comment = r.reviewer, r.comment
    approval = comments.first(message, comments.APPROVED)
    if status(message) != "stale" or approval is None:
        raise ReviewRefused(
            f"segment {source_hash(message)} has no approval of an earlier German to keep"
        )
    if not comment:
        raise ReviewRefused("say why the German change does not affect the meaning")
    assert approval.when is not None
    kept = comments.approved_line(
        approval.who, approval.when, source_hash(message), str(message.string)
    )
    message.user_comments = comments.without(
        message, comments.APPROVED, comments.SUGGESTION, comments.PREVIOUS_TRANSLATION
    ) + [kept, comments.kept_line(reviewer, when, comment)]
    message.flags.discard("fuzzy")
    message.previous_id = []
    return event("kept", source_hash(message), reviewer, comment, when)


def _set_text(message: Message, r: Request, when: dt.datetime) -> None:
    text = one_line(r.text or "", MAX_TRANSLATION)
    if not text:
        raise ReviewRefused("the translation is empty; write a translation or leave it as it is")
    if not same_markup(str(message.id), text):
        raise ReviewRefused(
            "the translation's tags differ from the German's; keep every tag of the German "
            "(<a id=…>, <em>, …) exactly once, with the same attributes"
        )
    suggestion = comments.texts(message, comments.SUGGESTION)
    origin = (
        comments.machine_line(text)
        if text in suggestion
        else comments.drafted_line(r.reviewer, when, text)
    )
    message.user_comments = comments.without(message, *_REPLACED_BY_NEW_TEXT) + [origin]
    message.string = text
    message.flags.discard("fuzzy")
    message.previous_id = []


def _check_terms(message: Message, policy: Policy, reason: str) -> None:
    if policy.checker is None:
        return
    findings = policy.checker.check(str(message.id), str(message.string))
    set_term_comments(message, findings)
    if findings and not reason:
        listed = "; ".join(f.message for f in findings)
        raise TermsNeedReason(
            f"segment {source_hash(message)}: {listed}; correct the translation, or give a "
            "reason for approving it as it is",
            findings,
        )
    message.user_comments = comments.without(message, comments.TERM_OVERRIDE)
    if findings:
        message.user_comments.append(f"{comments.TERM_OVERRIDE}{reason}")


def _record_approval(message: Message, reviewer: str, when: dt.datetime, comment: str) -> None:
    message.user_comments = comments.without(message, comments.APPROVED, comments.SENT_BACK) + [
        comments.approved_line(reviewer, when, source_hash(message), str(message.string))
    ]
    message.flags.discard("fuzzy")


class OpenTermFindings(PipelineError):
    """Drafts left unapproved: their terms differ from the termbase and no reason was given."""

    def __init__(self, lines: list[str], approved: int, path: Path):
        super().__init__("\n".join(f"{path}: {line}" for line in lines))
        self.approved = approved


def approve_segments(
    publication: Publication,
    edition_id: str,
    reviewer: str,
    segments: list[str],
    all_drafts: bool,
    now: dt.datetime,
    override: str | None = None,
) -> int:
    """Approve the given segments (or every draft not sent back) of one edition; return how many.

    A draft with term findings needs `override`, a reason; without one it is left as it is
    and, once the others are saved, OpenTermFindings names it.
    """
    store = EditionCatalog(publication, edition(publication, edition_id))
    policy = edition_policy(publication, store.edition)
    request = Request("approve", reviewer, comment=override or "")
    refused: list[str] = []

    def work(catalog: Catalog) -> list[Event]:
        ids = {segment_id(m) for m in catalog if m.id}
        unknown = sorted(set(segments) - ids)
        if unknown:
            raise PipelineError(f"no segment {', '.join(unknown)} in this catalog", store.path)
        chosen = [
            m
            for m in catalog
            if m.id
            and (
                segment_id(m) in segments
                or (all_drafts and status(m) == "draft" and not sent_back(m))
            )
        ]
        events = []
        for message in chosen:
            try:
                events.append(perform(message, request, policy, now))
            except TermsNeedReason as exc:
                refused.append(_refusal(message, exc.findings))
        return events

    outcome = store.change(work)
    if refused:
        raise OpenTermFindings(refused, len(outcome.events), store.path)
    return len(outcome.events)


def edition_policy(publication: Publication, edition: Edition) -> Policy:
    """Return the review policy of an edition: four-eyes, and its language's termbase."""
    termbase = load_termbase(publication)
    checker = SegmentChecker(termbase, edition.lang) if termbase else None
    return Policy(publication.policies.four_eyes, checker)


def _refusal(message: Message, findings: list[TermFinding]) -> str:
    listed = "; ".join(f.message for f in findings)
    return (
        f"segment {segment_id(message)} not approved: {listed}; correct the translation or "
        'approve it with --override "REASON"'
    )
