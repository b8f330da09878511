"""One edition's catalog as the review commands change it: locked, in step with the German.

`EditionCatalog.change` is the one read-check-write of a review action, used by the review
app (one request at a time), review-pack imports and `approve`:
1. take the catalog's lock (pipeline/locks.py), for this change only;
2. read the file, merged with the current German (pipeline/catalogs.py), so that an entry
   whose German changed is stale before anybody acts on it;
3. let the caller check versions and apply actions (pipeline/actions.py);
4. write the whole catalog atomically and append the history (pipeline/history.py).

A catalog the pipeline wrote last is rewritten with every other entry byte for byte as it
was: only the changed entries are rendered anew and spliced into the file's text. One last
saved by Poedit or Weblate (other line wrapping) is normalised on its first write, and the
result says so. The parsed catalog is cached by the file's content hash, so a change costs
one write, not a parse, while nobody else touches the file.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline import atomic, history
from pipeline.catalogs import (
    catalog_path,
    current_catalog,
    read_catalog,
    render_catalog,
    render_changed,
    template,
    translated_editions,
)
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError, os_reason
from pipeline.history import Event
from pipeline.locks import catalog_lock


@dataclass
class Outcome:
    """What one change did."""

    events: list[Event] = field(default_factory=list)
    written: bool = False
    normalised: bool = False  # the file was last saved by another tool and was rewrapped
    merged: bool = False  # the German had changed: the file was brought up to date


def edition(publication: Publication, edition_id: str) -> Edition:
    """Return a translated edition by id; a clear error names the config otherwise."""
    editions = translated_editions(publication)
    found = next((e for e in editions if e.id == edition_id), None)
    if found is None:
        known = ", ".join(e.id for e in editions) or "none"
        raise PipelineError(
            f"no translated edition '{edition_id}' in the config (there are: {known})",
            publication.config_path,
        )
    return found


class EditionCatalog:
    """An edition's catalog, read and changed the way review actions need it."""

    def __init__(
        self,
        publication: Publication,
        edition: Edition,
        pot: Callable[[], Catalog] | None = None,
    ):
        self.publication = publication
        self.edition = edition
        self.path = catalog_path(publication, edition)
        self.history = history.history_path(publication.root, edition.id)
        self._pot = pot or (lambda: template(publication))
        self._guard = threading.Lock()
        # (file hash, template id, merged catalog, file text in normal form)
        self._cache: tuple[str, int, Catalog, bool] | None = None
        self.generation = 0  # counts every new state of the catalog, for callers' caches
        self._text = ""  # the file's text as last read or written

    def snapshot(self) -> Catalog:
        """Return the catalog merged with the current German, for reading only."""
        with self._guard:
            catalog, _, _ = self._load()
            return catalog

    def state(self) -> tuple[Catalog, int]:
        """Return the snapshot and its generation, which changes with every new state."""
        with self._guard:
            catalog, _, _ = self._load()
            return catalog, self.generation

    def change(self, work: Callable[[Catalog], list[Event]]) -> Outcome:
        """Apply `work` to the up-to-date catalog under its lock; write it and the history.

        `work` returns the history events of what it changed, or raises before anything
        is written. An empty list writes nothing, unless the merge with the German did.
        """
        with self._guard, catalog_lock(self.path):
            catalog, normal, merged = self._load()
            before = {key: _state(m) for key, m in _entries(catalog)}
            try:
                events = work(catalog)
                changed = [m for key, m in _entries(catalog) if before.get(key) != _state(m)]
                outcome = Outcome(events, normalised=bool(events) and not normal, merged=merged)
                if events or merged or changed:
                    text = self._render(catalog, changed, fast=normal and not merged)
                    atomic.write_text(self.path, text)
                    history.append(self.history, events)
                    outcome.written = True
                    self._cache = (_hash(text.encode()), id(self._pot()), catalog, True)
                    self._text = text
            except BaseException:
                self._cache = None  # the work may have changed entries before it failed
                raise
            finally:
                self.generation += 1
            return outcome

    def _render(self, catalog: Catalog, changed: list[Message], fast: bool) -> str:
        """Return the new file text; only the changed entries are written anew if `fast`."""
        if fast:
            text = render_changed(self._text, changed)
            if text is not None:
                return text
        return render_catalog(catalog, self._text)

    def _load(self) -> tuple[Catalog, bool, bool]:
        """Return the merged catalog, whether its file is in normal form, and if it merged."""
        if self.path.is_dir():
            raise PipelineError("is a directory, not a PO catalog; move it away", self.path)
        data = read_bytes(self.path) if self.path.exists() else b""
        digest, pot = _hash(data), self._pot()
        if self._cache and self._cache[0] == digest and self._cache[1] == id(pot):
            return self._cache[2], self._cache[3], False
        text = data.decode("utf-8", errors="replace")
        on_disk = read_catalog(self.path, self.edition.lang) if data else None
        normal = on_disk is not None and render_catalog(on_disk, text) == text
        catalog = current_catalog(self.publication, self.edition, pot, read=on_disk)
        merged = render_catalog(catalog, text) != text if normal else not data
        self._text = text
        self._cache = (digest, id(pot), catalog, normal)
        self.generation += 1
        return catalog, normal, merged


def _entries(catalog: Catalog) -> list[tuple[tuple[str, str | None], Message]]:
    return [((str(m.id), m.context), m) for m in catalog if m.id]


def _state(message: Message) -> tuple[object, ...]:
    """Return everything of an entry that its PO lines show, to find what a change touched."""
    return (
        str(message.string),
        tuple(sorted(message.flags)),
        tuple(message.user_comments),
        tuple(message.auto_comments),
        tuple(message.locations),
        tuple(message.previous_id or ()),
    )


def read_bytes(path: Path) -> bytes:
    """Read a catalog's bytes; a file that cannot be read is one clear error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PipelineError(f"cannot read it ({os_reason(exc)})", path) from None


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
