"""The project's record of each pack it made: translations/packs/<pack-id>.json.

A record says which publication, edition and segments (with each entry's version, German
and translation when the pack was made) a pack holds, so that an import can check that a
review file belongs to this project and touches only its pack's segments. Its `imported`
table remembers each decision already applied or recorded as a conflict, so that the same
file, or a later file of the same pack, never applies or reports a decision twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.errors import PipelineError

FORMAT = "pipeline-pack-record/1"
PACK_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class PackSegment:
    """A segment as the pack showed it."""

    version: str
    status: str
    german: str
    translation: str


@dataclass
class PackRecord:
    """What the project remembers of one pack."""

    pack: str
    publication: str  # the slug
    edition: str
    created: str
    reviewer: str
    statuses: list[str]
    segments: dict[str, PackSegment]
    imported: dict[str, dict[str, str]] = field(default_factory=dict)  # decision digest: outcome


def packs_dir(root: Path) -> Path:
    """Return where the pack records live."""
    return root / "translations" / "packs"


def record_path(root: Path, pack: str) -> Path:
    """Return the record file of one pack."""
    return packs_dir(root) / f"{pack}.json"


def write(root: Path, record: PackRecord) -> Path:
    """Write a pack's record atomically and return its path."""
    path = record_path(root, record.pack)
    data: dict[str, Any] = {
        "format": FORMAT,
        "pack": record.pack,
        "publication": record.publication,
        "edition": record.edition,
        "created": record.created,
        "reviewer": record.reviewer,
        "statuses": record.statuses,
        "segments": {k: vars(v) for k, v in record.segments.items()},
        "imported": record.imported,
    }
    atomic.write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path


def read(root: Path, pack: str) -> PackRecord | None:
    """Read a pack's record; None if this project made no such pack."""
    if not PACK_ID.fullmatch(pack):
        return None
    path = record_path(root, pack)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("format")
        return PackRecord(
            pack=data["pack"],
            publication=data["publication"],
            edition=data["edition"],
            created=data["created"],
            reviewer=data["reviewer"],
            statuses=list(data["statuses"]),
            segments={k: PackSegment(**v) for k, v in data["segments"].items()},
            imported=dict(data.get("imported", {})),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PipelineError(
            f"the pack record is damaged ({exc}); restore it from git", path
        ) from None
