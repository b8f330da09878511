"""The termbase: one row per concept in glossary/terms.csv, one column per language.

An editor keeps it in a spreadsheet (saved as CSV, UTF-8). The columns:

    id          a short name for the concept: letters, digits and '-', unique
    status      preferred | forbidden | do-not-translate
    de, tr, …   the term in each language: a column per language of the publication
    use         for a forbidden term: the id of the concept to use instead
    definition  what the term means in this publication, in the source language
                (its translations are catalog entries, reviewed like the text)
    easy        the Leichte Sprache explanation
    note        for editors and translators; never published
    approved    the language columns whose term a reviewer has approved, e.g. "tr pl"

A preferred concept needs a term in every language and a definition. A do-not-translate
term is written in the source language only and stays as it is in every edition. A
forbidden term names the words to avoid, in the languages where there are any.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from pipeline.config import Publication
from pipeline.errors import ConfigError, read_utf8

TERMBASE = Path("glossary") / "terms.csv"
STATUSES = ("preferred", "forbidden", "do-not-translate")
FIELDS = ("id", "status", "use", "definition", "easy", "note", "approved")


@dataclass(frozen=True)
class Concept:
    """One row of the termbase."""

    id: str
    status: str
    terms: dict[str, str]  # language -> term; only the filled cells
    use: str
    definition: str
    easy: str
    note: str
    approved: frozenset[str]  # languages whose term a reviewer approved
    line: int  # where the row starts in the CSV file

    def term(self, lang: str) -> str | None:
        """Return the concept's term in a language (a do-not-translate term in every one)."""
        if self.status == "do-not-translate":
            return next(iter(self.terms.values()), None)
        return self.terms.get(lang)


@dataclass(frozen=True)
class Termbase:
    """The publication's validated termbase."""

    path: Path
    source_language: str
    languages: tuple[str, ...]  # the language columns, source language first
    concepts: tuple[Concept, ...]

    def by_status(self, status: str) -> list[Concept]:
        """Return the concepts with one status, in file order."""
        return [c for c in self.concepts if c.status == status]

    def get(self, concept_id: str) -> Concept | None:
        """Return a concept by its id."""
        return next((c for c in self.concepts if c.id == concept_id), None)

    def version(self, lang: str) -> str:
        """Return a hash of everything that a DE→lang machine glossary holds."""
        pairs = sorted(
            (c.terms[self.source_language], c.term(lang) or "")
            for c in self.concepts
            if c.status != "forbidden" and c.term(lang)
        )
        return hashlib.sha256(repr(pairs).encode()).hexdigest()[:12]


def load_termbase(publication: Publication) -> Termbase | None:
    """Read and validate the publication's termbase; None when it has none."""
    path = publication.root / TERMBASE
    if not path.exists():
        return None
    return read_termbase(path, publication.source_language, termbase_languages(publication))


def termbase_languages(publication: Publication) -> tuple[str, ...]:
    """Return the languages a termbase may have columns for, the source language first."""
    languages = [publication.source_language] + [e.lang for e in publication.editions]
    return tuple(dict.fromkeys(languages))


# OWASP's CSV injection rule: a spreadsheet runs a cell that starts with one of these as a
# formula. A term that truly starts so is written with a leading apostrophe (glossary/README.md).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 10_000  # characters


def spreadsheet_safe(value: str) -> str:
    """Return a cell value as it is written to the CSV: a leading apostrophe before a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _cell(value: str) -> str:
    """Return a cell's value as read: without the apostrophe that protects a formula start."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def read_termbase(path: Path, source_language: str, languages: tuple[str, ...]) -> Termbase:
    """Read a termbase CSV; raise ConfigError listing every problem with its line."""
    problems: list[tuple[int | None, str]] = []
    # A spreadsheet's "CSV UTF-8" starts with a byte order mark.
    reader = csv.DictReader(io.StringIO(read_utf8(path).removeprefix("\ufeff"), newline=""))
    header = reader.fieldnames or []
    columns = [name for name in header if name not in FIELDS]
    for name in columns:
        # A language no edition uses (yet, or any more) is kept; anything else is a mistake.
        if name not in languages and not is_language(name):
            fields = ", ".join(FIELDS)
            problems.append(
                (1, f"unknown column '{name}': expected a language tag such as 'tr' or {fields}")
            )
    needed = [name for name in columns if name in languages]  # the editions' languages
    languages = (*languages, *(name for name in columns if name not in languages))
    for required in ("id", "status", source_language):
        if required not in header:
            problems.append((1, f"missing column '{required}'"))
    if problems:
        raise ConfigError(path, problems)
    concepts = []
    line = 2
    try:
        for row in reader:
            concept = _concept(row, line, source_language, columns, needed, languages, problems)
            if concept:
                concepts.append(concept)
            line = reader.line_num + 1
    except csv.Error as exc:  # e.g. a cell over the csv module's 131,072 characters
        problems.append((reader.line_num or line, f"not a readable CSV row ({exc}); shorten it"))
        raise ConfigError(path, problems) from None
    _check_references(concepts, source_language, problems)
    if problems:
        raise ConfigError(path, problems)
    present = tuple(lang for lang in languages if lang in columns)
    return Termbase(path, source_language, present, tuple(concepts))


def is_language(tag: str) -> bool:
    """Tell whether a column name is a language tag Babel knows."""
    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _concept(
    row: dict[str, str | None],
    line: int,
    source_language: str,
    columns: list[str],
    required: list[str],  # the columns a preferred concept must fill
    languages: tuple[str, ...],
    problems: list[tuple[int | None, str]],
) -> Concept | None:
    if None in row or any(value is None for value in row.values()):
        problems.append((line, "the row does not have one cell per column; check the commas"))
        return None
    cells = {key: str(value) for key, value in row.items()}
    for name, value in cells.items():
        if value.startswith(FORMULA_STARTS):
            problems.append(
                (
                    line,
                    f"column '{name}': starts with {value[:1]!r}, which a spreadsheet runs as a "
                    f"formula; write '{value[:20]}… with a leading apostrophe if the term "
                    "really starts so",
                )
            )
        if len(value) > MAX_CELL:
            problems.append((line, f"column '{name}': over {MAX_CELL} characters; shorten it"))
    cells = {key: _cell(value) for key, value in cells.items()}
    for name, value in cells.items():
        if value != value.strip():
            problems.append((line, f"column '{name}': leading or trailing spaces"))
        if name in columns and re.search(r"[\t\r\n]", value):
            problems.append((line, f"column '{name}': a tab or line break inside a term"))
    concept_id, status = cells["id"].strip(), cells["status"].strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", concept_id):
        problems.append((line, f"id '{concept_id}': use lower-case letters, digits and '-'"))
    if status not in STATUSES:
        problems.append((line, f"status '{status}': expected one of {', '.join(STATUSES)}"))
    terms = {lang: cells[lang].strip() for lang in columns if cells[lang].strip()}
    if source_language not in terms:
        problems.append((line, f"column '{source_language}': empty cell"))
    if status == "preferred":
        for lang in required:
            if lang not in terms:
                problems.append((line, f"column '{lang}': empty cell"))
        if not cells.get("definition", "").strip():
            problems.append((line, "column 'definition': empty cell"))
    if status == "do-not-translate" and set(terms) - {source_language}:
        problems.append((line, "a do-not-translate term has only its source-language cell"))
    approved = frozenset(cells.get("approved", "").split())
    for lang in approved - set(languages):
        problems.append((line, f"column 'approved': '{lang}' is not a language of the termbase"))
    return Concept(
        id=concept_id,
        status=status,
        terms=terms,
        use=cells.get("use", "").strip(),
        definition=cells.get("definition", "").strip(),
        easy=cells.get("easy", "").strip(),
        note=cells.get("note", "").strip(),
        approved=approved,
        line=line,
    )


def _check_references(
    concepts: list[Concept], source_language: str, problems: list[tuple[int | None, str]]
) -> None:
    ids: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for concept in concepts:
        if concept.id in ids:
            problems.append((concept.line, f"duplicate id '{concept.id}' (line {ids[concept.id]})"))
        ids.setdefault(concept.id, concept.line)
        for lang, term in concept.terms.items():
            key = (lang, term.casefold())
            if key in seen:
                problems.append(
                    (concept.line, f"duplicate {lang} term '{term}' (line {seen[key]})")
                )
            seen.setdefault(key, concept.line)
    preferred = {c.id for c in concepts if c.status != "forbidden"}
    for concept in concepts:
        if concept.status == "forbidden" and concept.use and concept.use not in preferred:
            problems.append(
                (concept.line, f"column 'use': '{concept.use}' is not a preferred concept's id")
            )
