"""What the review app knows of the project between requests: nothing that holds a lock.

The German template is made again when a source, the config or the termbase changes, so
every page and every save sees the current German. Each edition's catalog is an
EditionCatalog (pipeline/store.py): parsed once, re-read when its file changes. A
language's term checker loads its lemmatizer when that language is first reviewed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from babel.messages.catalog import Catalog

from pipeline.actions import Policy
from pipeline.catalogs import template, translated_editions
from pipeline.config import Edition, Publication
from pipeline.glossary import Termbase, load_termbase
from pipeline.store import EditionCatalog, Outcome
from pipeline.terms import SegmentChecker


@dataclass(frozen=True)
class Inputs:
    """The files the German template depends on, with their modification times."""

    stamps: tuple[tuple[str, int], ...]


class Project:
    """The publication under review."""

    def __init__(self, publication: Publication):
        self.publication = publication
        self.editions = {e.id: e for e in translated_editions(publication)}
        self._guard = threading.Lock()
        self._inputs: Inputs | None = None
        self._pot: Catalog | None = None
        self._termbase: Termbase | None = None
        self._checkers: dict[str, SegmentChecker | None] = {}
        self.catalogs = {
            e.id: EditionCatalog(publication, e, pot=self.pot) for e in self.editions.values()
        }

    def pot(self) -> Catalog:
        """Return the German template, made again if a source or the termbase changed."""
        with self._guard:
            inputs = self._read_inputs()
            if self._pot is None or inputs != self._inputs:
                self._termbase = load_termbase(self.publication)
                self._pot = template(self.publication)
                self._inputs = inputs
                self._checkers.clear()
            return self._pot

    def termbase(self) -> Termbase | None:
        """Return the termbase as the current template was made with it."""
        self.pot()
        return self._termbase

    def checker(self, edition: Edition) -> SegmentChecker | None:
        """Return the term checker of an edition's language, loading it when first needed."""
        termbase = self.termbase()
        with self._guard:
            if edition.lang not in self._checkers:
                self._checkers[edition.lang] = (
                    SegmentChecker(termbase, edition.lang) if termbase else None
                )
            return self._checkers[edition.lang]

    def policy(self, edition: Edition) -> Policy:
        """Return the review rules of an edition."""
        return Policy(self.publication.policies.four_eyes, self.checker(edition))

    def bring_up_to_date(self) -> list[tuple[str, Outcome]]:
        """Write every catalog merged with the current German, where it changed."""
        return [(e, store.change(lambda catalog: [])) for e, store in self.catalogs.items()]

    def _read_inputs(self) -> Inputs:
        root = self.publication.root
        paths = [self.publication.config_path, *self.publication.sources]
        paths += [root / "glossary" / "terms.csv"]
        stamps = []
        for path in paths:
            try:
                stamps.append((str(path), path.stat().st_mtime_ns))
            except OSError:
                stamps.append((str(path), 0))
        return Inputs(tuple(stamps))
