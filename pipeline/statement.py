"""The accessibility statement of each edition (BITV 2.0 § 7, directive (EU) 2016/2102).

Its contact and enforcement body come from the `[accessibility]` table of publication.toml;
its conformance status only from the latest check report (output/report.json), and only for
the very files it describes: a file that changed since it was checked is not yet checked.
`build` writes each edition's statement (`<edition>/accessibility.html`) as not yet checked,
since it makes the files anew and its output must not depend on an earlier check; `publish`
writes the status part after its own checks (`refresh`), and checks the pages it changed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.cache import digest, file_sha
from pipeline.checks import Finding
from pipeline.config import Publication
from pipeline.manifest import Manifest
from pipeline.render.html import STATEMENT, render_statement_status

log = logging.getLogger(__name__)
REPORT = "report.json"
_START, _END = "<!-- status -->\n", "\n<!-- /status -->"


@dataclass(frozen=True)
class Status:
    """What the latest check found in an edition's files; not checked where it is None."""

    checked_on: dt.date | None = None
    findings: tuple[Finding, ...] = ()

    @property
    def checked(self) -> bool:
        """Tell whether every file of the edition was checked as it is now."""
        return self.checked_on is not None

    @property
    def key(self) -> str:
        """Return what the status says, but its date: a check that finds the same keeps it."""
        return digest([self.checked, [f.to_dict() for f in self.findings]])[:16]


def read_report(output: Path) -> dict[str, Any] | None:
    """Return the latest check report of `output`, or None if there is none or it is damaged."""
    try:
        data = json.loads((output / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and isinstance(data.get("files"), list)
    return data if ok and isinstance(data.get("findings"), list) else None


def status_of(report: dict[str, Any] | None, files: dict[str, Path]) -> Status:
    """Return what `report` says of an edition's files (name in output/ -> the file now)."""
    if report is None or not files:
        return Status()
    checked = {e.get("path"): e.get("sha256") for e in report["files"] if isinstance(e, dict)}
    if any(checked.get(name) != file_sha(path) for name, path in files.items()):
        return Status()
    try:
        checked_on = dt.date.fromisoformat(str(report.get("checked_at", ""))[:10])
        findings = tuple(
            Finding(**item) for item in report["findings"] if item.get("path") in files
        )
    except (TypeError, ValueError, AttributeError):  # a report this version did not write
        return Status()
    return Status(checked_on, findings)


def edition_files(manifest: Manifest, output: Path, edition: str) -> dict[str, Path]:
    """Return an edition's artifacts in output/ as the manifest records them."""
    return {name: output / name for name in manifest.keys if name.startswith(f"{edition}/")}


def refresh(publication: Publication, output: Path) -> list[Path]:
    """Write each statement's status again from output/report.json; return what changed.

    Only the status part changes, so the rest (from the edition's text) need not be made
    again; the manifest records the new hashes, so that the next build keeps the pages.
    """
    report = read_report(output)
    manifest = Manifest.read(output)
    changed: list[Path] = []
    for edition in publication.editions:
        path = output / edition.id / STATEMENT
        try:
            page = path.read_text(encoding="utf-8")
        except OSError:
            continue
        start, end = page.find(_START), page.find(_END)
        if start < 0 or end < start:
            continue
        status = status_of(report, edition_files(manifest, output, edition.id))
        if f'data-status="{status.key}"' in page[start:end]:
            continue  # the same verdict: its date stays that of the check that first gave it
        part = render_statement_status(edition.lang, status)
        new = page[: start + len(_START)] + part + page[end:]
        if new != page:
            atomic.write_text(path, new)
            manifest = manifest.replaced(str(path.relative_to(output)), path)
            changed.append(path)
            log.info("Wrote the conformance status of %s", path)
    if changed and manifest.files:
        manifest.write(output)
    return changed
