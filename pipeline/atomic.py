"""Atomic file writes: a crash never leaves a half-written output or catalog."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import PipelineError, os_reason


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; move it into place only on success."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise PipelineError(f"cannot write it ({os_reason(exc)})", target) from None
    temp = Path(name)
    try:
        yield temp
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory")
        # mkstemp creates 0600 files; published files must be readable by a web server.
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        # The old file is untouched: only the temporary file was written.
        raise PipelineError(
            f"cannot write it ({os_reason(exc)}); the previous file is unchanged", target
        ) from None
    finally:
        temp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    """Write `text` to `target` atomically, as UTF-8."""
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
