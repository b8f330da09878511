"""Progress of build and check: a bar on a terminal, one line per item elsewhere (CI)."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 24


class Progress:
    """Counts finished items of a stage and shows them on `stream` (stderr)."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.stage = ""
        self.total = 0
        self.count = 0

    def start(self, stage: str, total: int) -> None:
        """Begin a stage of `total` items ("build": artifacts, "check": files)."""
        self.stage, self.total, self.count = stage, total, 0
        if self.tty and total:
            self._draw("")

    def advance(self, item: str) -> None:
        """Count one finished item."""
        self.count += 1
        if self.tty:
            self._draw(item)
        else:
            print(f"{self.stage} {self.count}/{self.total}: {item}", file=self.stream, flush=True)

    def done(self) -> None:
        """End the stage: the bar's line is left complete."""
        if self.tty and self.total:
            self.stream.write("\n")
            self.stream.flush()
        self.total = 0

    def _draw(self, item: str) -> None:
        filled = WIDTH * self.count // self.total if self.total else WIDTH
        bar = "#" * filled + "-" * (WIDTH - filled)
        line = f"{self.stage} [{bar}] {self.count}/{self.total} {item}"
        self.stream.write(f"\r{line[:100]}\x1b[K")
        self.stream.flush()
