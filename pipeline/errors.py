"""The one exception hierarchy; the CLI turns each error into one line and exit 1."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """An error the user can fix: it names the file, the line and what to do."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class ConfigError(PipelineError):
    """The publication config is invalid; carries every problem at once."""

    def __init__(self, path: Path, problems: list[tuple[int | None, str]]):
        super().__init__("; ".join(message for _, message in problems), path)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(
            f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}"
            for line, message in self.problems
        )


class SourceError(PipelineError):
    """A source document cannot be published as it is."""


class ToolError(PipelineError):
    """An external tool (pandoc, WeasyPrint, Chromium, Java) failed or is missing."""


def read_utf8(path: Path) -> str:
    """Read a text file that must be UTF-8; name the line of the first bad byte otherwise."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PipelineError("not UTF-8 text; save the file as UTF-8", path, line) from None
