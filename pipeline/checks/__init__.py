"""Conformance checks: each checker yields findings about one output file."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    """One problem a checker found in one output file."""

    path: str
    checker: str  # "axe", "epubcheck", "ace", "pdfua", ...
    rule: str  # the checker's own rule id, e.g. "color-contrast", "RSC-005"
    severity: str  # "error" or "warning"; both fail a check
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: [{self.checker} {self.rule}] {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Return the finding as a JSON-ready dict."""
        return asdict(self)
