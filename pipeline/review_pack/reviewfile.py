"""The review file a pack downloads ("pipeline-review/1"): its checksum and strict reading.

    {"format": "pipeline-review/1", "pack": ID, "publication": {"slug", "title"},
     "edition": ID, "reviewer": NAME, "created": TIME,
     "decisions": [{"segment", "version", "action", "text", "comment"}, ...],
     "checksum": "sha256:HEX"}

The checksum is SHA-256 of the other fields as canonical JSON (keys sorted, no spaces,
UTF-8), computed by the pack's script; it tells a file changed or cut off on its way back
from one the reviewer downloaded. It is no signature: the pack record decides what the
file may touch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError

FORMAT = "pipeline-review/1"
ACTIONS = ("approve", "edit", "keep", "send_back")
MAX_BYTES = 20_000_000
_DECISION_FIELDS = ("segment", "version", "action", "text", "comment")


@dataclass(frozen=True)
class Decision:
    """One reviewer decision on one segment."""

    segment: str
    version: str
    action: str
    text: str
    comment: str


@dataclass(frozen=True)
class ReviewFile:
    """A review file as read, before it is checked against the project."""

    path: Path
    pack: str
    publication: str  # the slug
    edition: str
    reviewer: str
    created: str
    decisions: tuple[Decision, ...]
    checksum: str


def canonical(value: Any) -> str:
    """Return the canonical JSON the checksum is taken of (the script's `canonical`)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(payload: dict[str, Any]) -> str:
    """Return the checksum of a review file's fields other than `checksum`."""
    body = {k: v for k, v in payload.items() if k != "checksum"}
    return "sha256:" + hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def read_review(path: Path) -> ReviewFile:
    """Read and check one review file; raise one PipelineError naming it if it is not sound."""
    data = _load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PipelineError(
            f'not a review file: it has no "format": "{FORMAT}"; send the file the review '
            "pack downloaded",
            path,
        )
    try:
        expected = checksum(data)
    except UnicodeEncodeError:
        raise PipelineError("not a review file: it holds broken characters", path) from None
    if data.get("checksum") != expected:
        raise PipelineError(
            "the review file was changed or cut off after it was downloaded (its checksum "
            "does not match); ask the reviewer to send the file again as the pack saved it",
            path,
        )
    return _parsed(path, data)


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PipelineError(f"cannot read the review file: {exc.strerror}", path) from None
    if len(raw) > MAX_BYTES:
        raise PipelineError("not a review file: it is far too large", path)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PipelineError("not a review file: it is not UTF-8 text", path) from None
    except json.JSONDecodeError as exc:
        raise PipelineError(
            f"not a review file, or one cut off: the JSON breaks off ({exc.msg}); ask the "
            "reviewer to send the file again",
            path,
            exc.lineno,
        ) from None


def _parsed(path: Path, data: dict[str, Any]) -> ReviewFile:
    publication = data.get("publication")
    fields: dict[str, Any] = {
        name: data.get(name) for name in ("pack", "edition", "reviewer", "created", "checksum")
    }
    decisions = data.get("decisions")
    if (
        not all(isinstance(v, str) for v in fields.values())
        or not isinstance(publication, dict)
        or not isinstance(publication.get("slug"), str)
        or not isinstance(decisions, list)
    ):
        raise PipelineError("not a review file: a field is missing or of the wrong kind", path)
    return ReviewFile(
        path=path,
        pack=fields["pack"],
        publication=publication["slug"],
        edition=fields["edition"],
        reviewer=fields["reviewer"],
        created=fields["created"],
        decisions=tuple(_decision(path, d) for d in decisions),
        checksum=fields["checksum"],
    )


def _decision(path: Path, item: Any) -> Decision:
    if not isinstance(item, dict) or not all(
        isinstance(item.get(k), str) for k in _DECISION_FIELDS
    ):
        raise PipelineError("not a review file: a decision is incomplete", path)
    if item["action"] not in ACTIONS:
        raise PipelineError(
            f"not a review file: unknown action {item['action']!r} in segment {item['segment']}",
            path,
        )
    return Decision(*(item[k] for k in _DECISION_FIELDS))
