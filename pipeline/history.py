"""The review history: one plain, readable log per language, translations/history/<lang>.log.

Every review action, from the app, a review pack or the command line, appends one line:

    TIME<TAB>ACTION<TAB>SEGMENT<TAB>NAME<TAB>DETAIL

for example `2026-12-03T10:15:00+00:00	approved	3f2a9c01b7de	Ayşe Yılmaz	`. The log is
tracked in git and only ever appended to. The PO catalog stays the truth about a segment's
status; the log says who did what, and when, for the segment view.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.comments import one_line, stamp

ACTIONS = (
    "machine draft",
    "drafted",
    "approved",
    "edited and approved",
    "saved for a second reviewer",
    "kept",
    "sent back",
    "conflict",
)


@dataclass(frozen=True)
class Event:
    """One line of the history."""

    when: str
    action: str
    segment: str
    who: str
    detail: str


def history_path(root: Path, edition_id: str) -> Path:
    """Return where an edition's history lives."""
    return root / "translations" / "history" / f"{edition_id}.log"


def append(path: Path, events: list[Event]) -> None:
    """Append events to a history, each line in one write, so a crash never cuts a line."""
    if not events:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(_line(e) for e in events).encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def event(
    action: str, segment: str, who: str, detail: str = "", when: dt.datetime | None = None
) -> Event:
    """Make an event, cleaning typed names and comments into one line each."""
    time = stamp(when or dt.datetime.now(dt.UTC))
    return Event(time, action, segment, one_line(who, 200), one_line(detail))


def _line(e: Event) -> str:
    return "\t".join((e.when, e.action, e.segment, e.who, e.detail)) + "\n"


def read(path: Path, segment: str | None = None) -> list[Event]:
    """Read a history, optionally one segment's events; lines that do not parse are skipped."""
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) == 5 and (segment is None or parts[2] == segment):
            events.append(Event(*parts))
    return events
