"""Locks that keep two writing commands off the same files: one per catalog, the termbase
and the output directory.

A lock is an exclusive `flock` on a hidden file beside what it guards, holding the pid of
its owner. The kernel releases it when the process ends, even after kill -9, so a crash
never leaves a lock behind. A command holds a lock only while it writes (the review app for
one request's read-check-write, never between requests); a second command waits a few
seconds, then fails with one line naming the holder's pid.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from pipeline.errors import PipelineError

WAIT = 5.0  # seconds a command waits for a lock before it gives up


def lock_file(guarded: Path) -> Path:
    """Return the hidden lock file of a guarded file or directory."""
    return guarded.parent / f".{guarded.name}.lock"


@contextmanager
def locked(guarded: Path, what: str, wait: float = WAIT) -> Iterator[None]:
    """Hold the lock of `guarded` for the block; `what` names the work for the error."""
    path = lock_file(guarded)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PipelineError(
                        f"{what} is running (pid {_holder(path)}); wait until it has "
                        "finished, then try again",
                        guarded,
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip() or "unknown"
    except OSError:
        return "unknown"


def catalog_lock(catalog: Path, wait: float = WAIT) -> AbstractContextManager[None]:
    """Hold one catalog's lock: catalogs, translate, approve and each save of the app."""
    return locked(catalog, "another command writing this catalog", wait)
