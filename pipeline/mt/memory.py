"""The translation memory: every text DeepL returned, so that nothing is paid for twice.

One JSON-lines file per target language (translations/memory/<TARGET>.jsonl), keyed by
the German text and the options that change a translation. Commit it with the catalogs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline import atomic
from pipeline.errors import PipelineError, read_utf8


@dataclass(frozen=True)
class Options:
    """Everything that changes what DeepL returns for a text, besides the text."""

    target: str
    formality: str
    glossary_id: str | None = None
    glossary_version: str = ""  # changes whenever the glossary's entries change
    tag_handling: str = "xml"

    def key(self, source: str) -> str:
        """Return the memory key of `source` translated with these options."""
        parts = [source, self.target, self.formality, self.glossary_version, self.tag_handling]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Draft:
    """What DeepL returned for one German text, and whether its markup survived."""

    source: str
    text: str
    markup_ok: bool


class Memory:
    """The machine translations already paid for, one JSON-lines file per target language.

    Each record keeps the options it was made with, so a draft made with an older glossary
    or another formality is never taken for a current one.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self._loaded: dict[str, dict[str, tuple[Options, Draft]]] = {}

    def _entries(self, target: str) -> dict[str, tuple[Options, Draft]]:
        if target not in self._loaded:
            self._loaded[target] = self._read(self._path(target))
        return self._loaded[target]

    def _path(self, target: str) -> Path:
        return self.directory / f"{target}.jsonl"

    def _read(self, path: Path) -> dict[str, tuple[Options, Draft]]:
        entries: dict[str, tuple[Options, Draft]] = {}
        if not path.exists():
            return entries
        for number, line in enumerate(read_utf8(path).splitlines(), start=1):
            try:
                record = json.loads(line)
                options = Options(
                    record["target"],
                    record["formality"],
                    glossary_version=record["glossary_version"],
                    tag_handling=record["tag_handling"],
                )
                draft = Draft(record["source"], record["text"], record["markup_ok"])
            except (ValueError, KeyError, TypeError):
                raise PipelineError(
                    "not a translation memory record; restore the file from git or delete "
                    "the line (its text will be translated, and billed, again)",
                    path,
                    number,
                ) from None
            entries[options.key(draft.source)] = (options, draft)
        return entries

    def get(self, options: Options, source: str) -> Draft | None:
        """Return the remembered draft of `source` made with these options, or None."""
        entry = self._entries(options.target).get(options.key(source))
        return entry[1] if entry else None

    def add(self, options: Options, draft: Draft) -> None:
        """Remember a draft; `save` writes it."""
        self._entries(options.target)[options.key(draft.source)] = (options, draft)

    def save(self, target: str) -> None:
        """Write one target language's memory atomically, in a stable order."""
        records = [
            {
                "source": draft.source,
                "target": options.target,
                "formality": options.formality,
                "glossary_version": options.glossary_version,
                "tag_handling": options.tag_handling,
                "text": draft.text,
                "markup_ok": draft.markup_ok,
            }
            for _, (options, draft) in sorted(self._entries(target).items())
        ]
        lines = [json.dumps(record, ensure_ascii=False, sort_keys=True) for record in records]
        atomic.write_text(self._path(target), "".join(f"{line}\n" for line in lines))
