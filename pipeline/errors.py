"""The one exception hierarchy; the CLI turns each error into one line and exit 1."""

from __future__ import annotations

import errno
from pathlib import Path


class PipelineError(Exception):
    """An error the user can fix: it names the file, the line and what to do."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __reduce__(self) -> tuple[object, ...]:
        # A worker process (pipeline/build.py) sends its error to the parent pickled.
        return (type(self), (self.message, self.path, self.line))

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

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.problems))

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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PipelineError(f"cannot read it ({os_reason(exc)})", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PipelineError("not UTF-8 text; save the file as UTF-8", path, line) from None


def os_reason(exc: OSError) -> str:
    """Say in words why a file operation failed, and what to do."""
    reasons = {
        errno.ENOSPC: "no space left on the device; free some space and run it again",
        errno.EDQUOT: "the disk quota is used up; free some space and run it again",
        errno.EACCES: "permission denied; check who owns the file",
        errno.EPERM: "permission denied; check who owns the file",
        errno.EISDIR: "it is a directory, not a file; move it away",
        errno.ENOTDIR: "a part of the path is a file, not a directory",
        errno.ENOENT: "no such file or directory",
        errno.EROFS: "the file system is read-only",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))
