"""The translator-comment lines the pipeline keeps in the PO catalogs: the one owner of them.

A catalog entry's review state lives in translator comments (`# …`), which Poedit, Weblate
and msgmerge keep as they are (docs/translations.md):

    # approved: NAME, TIME, SOURCE-HASH, TEXT-HASH
                                               a reviewer approved the translation TEXT-HASH
                                               of the German SOURCE-HASH
    # kept: NAME, TIME, REASON                 a German edit kept that approval, and why
    # origin: machine, TEXT-HASH               DeepL made the translation TEXT-HASH
    # drafted: NAME, TIME, TEXT-HASH           a person wrote or edited the translation
    # sent back: NAME, TIME: COMMENT           a reviewer asked for another draft (fuzzy)
    # machine suggestion: TEXT                 DeepL's draft beside a stale approved one
    # previous translation: TEXT (approved: …) what a stale entry said before a new draft
    # machine draft lost its markup, not used: TEXT
    # term: …  /  # term override: REASON      terminology findings and a reviewer's reason

TIME is ISO 8601 in UTC. Names and comments typed by people are cleaned into one line
(`one_line`), so that no typed text can start a status line of its own; the fields after a
name have fixed formats (a time, a hash), so a name cannot be read as another field. A
status line that does not parse is an error with file and line, never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from babel.messages.catalog import Message

from pipeline.errors import PipelineError

APPROVED = "approved: "
KEPT = "kept: "
ORIGIN = "origin: "
DRAFTED = "drafted: "
SENT_BACK = "sent back: "
SUGGESTION = "machine suggestion: "
PREVIOUS_TRANSLATION = "previous translation: "
LOST_MARKUP = "machine draft lost its markup, not used: "
TERM = "term: "
TERM_OVERRIDE = "term override: "

# Every prefix the pipeline writes; a reviewer's own note starts with none of them.
PREFIXES = (
    APPROVED,
    KEPT,
    ORIGIN,
    DRAFTED,
    SENT_BACK,
    SUGGESTION,
    PREVIOUS_TRANSLATION,
    LOST_MARKUP,
    TERM,
    TERM_OVERRIDE,
)
# The lines that make up an entry's review state, part of its version.
STATE_PREFIXES = (APPROVED, KEPT, ORIGIN, DRAFTED, SENT_BACK, SUGGESTION, TERM_OVERRIDE)

_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\+00:00|Z)"
_HASH = r"[0-9a-f]{12}"
_NAME = r".+?"  # a name may hold commas: the fields after it are anchored by their format
_FORMATS = {
    APPROVED: re.compile(
        rf"^approved: (?P<who>{_NAME}), (?P<when>{_TIME}), (?P<hash>{_HASH})"
        rf"(?:, (?P<texthash>{_HASH}))?$"
    ),
    KEPT: re.compile(rf"^kept: (?P<who>{_NAME}), (?P<when>{_TIME}), (?P<text>.+)$"),
    ORIGIN: re.compile(rf"^origin: machine(?:, (?P<hash>{_HASH}))?$"),
    DRAFTED: re.compile(rf"^drafted: (?P<who>{_NAME}), (?P<when>{_TIME}), (?P<hash>{_HASH})$"),
    SENT_BACK: re.compile(rf"^sent back: (?P<who>{_NAME}), (?P<when>{_TIME}): (?P<text>.*)$"),
}
_HINTS = {
    APPROVED: "approved: NAME, 2026-01-31T12:00:00+00:00, SOURCE-HASH, TEXT-HASH",
    KEPT: "kept: NAME, 2026-01-31T12:00:00+00:00, REASON",
    ORIGIN: "origin: machine, TEXT-HASH",
    DRAFTED: "drafted: NAME, 2026-01-31T12:00:00+00:00, TEXT-HASH",
    SENT_BACK: "sent back: NAME, 2026-01-31T12:00:00+00:00: COMMENT",
}
MAX_NAME = 120
MAX_TEXT = 2000


@dataclass(frozen=True)
class Record:
    """One parsed status line: who, when, and a hash or a text."""

    kind: str  # one of the prefixes above
    who: str = ""
    when: dt.datetime | None = None
    hash: str = ""
    text: str = ""
    text_hash: str = ""  # of the translation an approval approved (older approvals: "")


def now() -> dt.datetime:
    """Return the current time in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def stamp(when: dt.datetime) -> str:
    """Return a time as the comments write it."""
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def one_line(text: str, limit: int = MAX_TEXT) -> str:
    """Clean text typed by a person into one line: no control characters, no line breaks."""
    cleaned = "".join(" " if not c.isprintable() else c for c in text)
    return " ".join(cleaned.split())[:limit]


def clean_name(name: str) -> str:
    """Return a reviewer's name as it is recorded, on one line; refuse an empty name."""
    cleaned = one_line(name)
    if not cleaned:
        raise PipelineError("give your name: it is recorded with every review action")
    if len(cleaned) > MAX_NAME:
        raise PipelineError(f"a name of at most {MAX_NAME} characters, please; shorten it")
    return cleaned


def text_hash(text: str) -> str:
    """Return a short hash of a text."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def source_hash(message: Message) -> str:
    """Return a short hash of an entry's German text and context: the segment's id."""
    return text_hash(f"{message.context or ''}\x04{message.id}")


def parse(comment: str) -> Record | None:
    """Read one status line; None for any other comment. Raise ValueError if it is broken."""
    kind = next((p for p in _FORMATS if comment.startswith(p)), None)
    if kind is None:
        return None
    match = _FORMATS[kind].match(comment)
    if match is None:
        raise ValueError(f"unreadable status comment {comment!r}; the format is: {_HINTS[kind]}")
    fields = match.groupdict()
    when = None
    if fields.get("when"):
        try:
            when = dt.datetime.fromisoformat(fields["when"].replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"the time in {comment!r} is no date and time; write it as "
                "2026-01-31T12:00:00+00:00"
            ) from None
    return Record(
        kind,
        fields.get("who") or "",
        when,
        fields.get("hash") or "",
        fields.get("text") or "",
        fields.get("texthash") or "",
    )


def records(message: Message, kind: str) -> list[Record]:
    """Return the entry's status lines of one kind, in order."""
    found = []
    for comment in message.user_comments:
        if comment.startswith(kind) and (record := parse(comment)) is not None:
            found.append(record)
    return found


def first(message: Message, kind: str) -> Record | None:
    """Return the entry's first status line of one kind, if any."""
    found = records(message, kind)
    return found[0] if found else None


def texts(message: Message, prefix: str) -> list[str]:
    """Return what follows `prefix` in the entry's comments that start with it."""
    return [c[len(prefix) :] for c in message.user_comments if c.startswith(prefix)]


def without(message: Message, *prefixes: str) -> list[str]:
    """Return the entry's comments that start with none of `prefixes`."""
    return [c for c in message.user_comments if not c.startswith(prefixes)]


def approved_line(who: str, when: dt.datetime, source: str, text: str) -> str:
    """Return the line that records an approval of translation `text` of German `source`."""
    return f"{APPROVED}{who}, {stamp(when)}, {source}, {text_hash(text)}"


def kept_line(who: str, when: dt.datetime, reason: str) -> str:
    """Return the line that records a kept approval and its reason."""
    return f"{KEPT}{who}, {stamp(when)}, {one_line(reason)}"


def machine_line(text: str) -> str:
    """Return the line that marks `text` as a machine draft."""
    return f"{ORIGIN}machine, {text_hash(text)}"


def drafted_line(who: str, when: dt.datetime, text: str) -> str:
    """Return the line that names the person who wrote the translation `text`."""
    return f"{DRAFTED}{who}, {stamp(when)}, {text_hash(text)}"


def sent_back_line(who: str, when: dt.datetime, comment: str) -> str:
    """Return the line that records a send-back and the reviewer's comment."""
    return f"{SENT_BACK}{who}, {stamp(when)}: {one_line(comment)}"


def validate(message: Message) -> None:
    """Raise ValueError for the first status line of the entry that does not parse."""
    for comment in message.user_comments:
        parse(comment)


_COMPLETE = re.compile(rf"^(approved: .+, {_HASH}(, {_HASH})?|origin: machine(, {_HASH})?)$")


def unwrapped(comments: list[str]) -> list[str]:
    """Join the lines of an approval or origin comment that another tool wrapped.

    xgettext and older Babel versions wrap comments at 76 characters; a wrapped approval
    would be lost. A line is joined only to an approval or origin that is incomplete, so a
    reviewer's own note below a complete one stays a comment of its own.
    """
    joined: list[str] = []
    for comment in comments:
        previous = joined[-1] if joined else ""
        incomplete = previous.startswith((APPROVED, ORIGIN)) and not _COMPLETE.match(previous)
        if incomplete and not comment.startswith(PREFIXES):
            joined[-1] = f"{previous} {comment}"
        else:
            joined.append(comment)
    return joined
