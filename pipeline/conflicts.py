"""Review decisions that could not be applied, kept for the app's conflict view.

A decision from a review pack applies only to the entry it was made on. When the German or
the translation changed in between, both sides are kept here, one JSON object a line, in
translations/conflicts/<edition>.jsonl: the segment, the entry as the pack showed it, the
reviewer's decision, and the entry as it is now. Nothing is deleted: `resolve` marks a
segment's open conflicts as resolved, and `pending` lists the open ones.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from pipeline import atomic
from pipeline.comments import now, stamp
from pipeline.errors import PipelineError
from pipeline.locks import locked


@dataclass(frozen=True)
class Conflict:
    """One decision that met a changed entry."""

    segment: str
    reason: str  # what changed, in words
    pack: str
    file: str  # the review file's name (no directory)
    reviewer: str
    action: str  # the reviewer's decision: approve, edit, keep, send_back
    text: str  # the reviewer's translation, for edit
    comment: str
    pack_version: str  # the entry when the pack was made
    pack_german: str
    pack_translation: str
    pack_status: str
    current_version: str  # the entry at the import ("" if the segment is gone)
    current_german: str
    current_translation: str
    current_status: str
    when: str
    resolved: str = ""  # when somebody resolved it, "" while it is open


def conflicts_path(root: Path, edition_id: str) -> Path:
    """Return where an edition's conflicts are kept."""
    return root / "translations" / "conflicts" / f"{edition_id}.jsonl"


def record(root: Path, edition_id: str, items: list[Conflict]) -> None:
    """Add conflicts to an edition's store."""
    if not items:
        return
    path = conflicts_path(root, edition_id)
    with locked(path, "another import or the review app writing the conflicts"):
        kept = _read(path)
        _write(path, kept + items)


def pending(root: Path, edition_id: str) -> list[Conflict]:
    """Return an edition's open conflicts, oldest first."""
    return [c for c in _read(conflicts_path(root, edition_id)) if not c.resolved]


def resolve(root: Path, edition_id: str, segment_id: str) -> int:
    """Mark a segment's open conflicts as resolved; return how many there were."""
    path = conflicts_path(root, edition_id)
    with locked(path, "another import or the review app writing the conflicts"):
        items = _read(path)
        time = stamp(now())
        done = [
            replace(c, resolved=time) if c.segment == segment_id and not c.resolved else c
            for c in items
        ]
        count = sum(1 for a, b in zip(items, done, strict=True) if a is not b)
        if count:
            _write(path, done)
    return count


def _read(path: Path) -> list[Conflict]:
    if not path.is_file():
        return []
    names = {f.name for f in fields(Conflict)}
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            items.append(Conflict(**{k: str(v) for k, v in data.items() if k in names}))
        except (ValueError, TypeError, AttributeError):
            raise PipelineError(
                "not a conflict record; restore the line from git", path, number
            ) from None
    return items


def _write(path: Path, items: list[Conflict]) -> None:
    text = "".join(json.dumps(asdict(c), ensure_ascii=False) + "\n" for c in items)
    atomic.write_text(path, text)
