"""The publication config (`publication.toml`): typed, validated, every error at once."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from pipeline import clock
from pipeline.errors import ConfigError, read_utf8
from pipeline.i18n import text_direction

CONFIG_NAME = "publication.toml"
FORMATS = ("html", "pdf", "epub")
FORMALITIES = ("prefer_more", "prefer_less", "more", "less", "default")  # DeepL's values
_REQUIRED_TEXT = ("title", "publisher")
_KNOWN_TOP = {
    "title",  # the publication's title, as on its cover
    "subtitle",  # optional second line of the title
    "publisher",  # who publishes it, e.g. "Stadt Dietzenbach"
    "version",  # edition version, e.g. "Fortschreibung 2017/2018"
    "date",  # edition date (TOML date)
    "source_language",  # BCP-47 tag of the canonical text
    "sources",  # Markdown files in reading order, relative to the config
    "slug",  # base of the output file names; derived from the title if absent
    "editions",  # table of editions, keyed by edition id
    "policies",  # publication policies
    "accessibility",  # the accessibility statement's contact and enforcement body
}
_KNOWN_EDITION = {
    "lang",  # BCP-47 tag of the edition's language; defaults to the edition id
    "formats",  # some of "html", "pdf", "epub"; defaults to all three
    "formality",  # DeepL's formality for machine drafts; defaults to "prefer_more"
    "sources",  # Markdown files of a text of its own, e.g. the Leichte Sprache version
    "style",  # "standard" or "easy" (Leichte Sprache typography, word list, linter)
    "name",  # the edition's name in the language switcher, e.g. "Leichte Sprache"
    "checked_by",  # the test-reader group that checked the easy-language text
    "checked_on",  # the date they checked it (TOML date)
    "title",  # an edition with a text of its own: its own title, subtitle and version
    "subtitle",
    "version",
}
EDITION_METADATA = ("title", "subtitle", "version")
_KNOWN_POLICIES = {
    "min_approved_share",  # 0..1: below it, a translated edition is published as a draft
    "four_eyes",  # true: nobody approves a draft they wrote or edited themselves
}
_KNOWN_ACCESSIBILITY = {
    "contact",  # who answers, e.g. "Stadt Dietzenbach, Stabsstelle Integration"
    "email",  # where readers report barriers: the statement's feedback mechanism
    "phone",  # a phone number for the same
    "address",  # the postal address, e.g. "Europaplatz 1, 63128 Dietzenbach"
    "enforcement_body",  # where readers turn when nobody answers (the Schlichtungsstelle)
    "enforcement_url",  # that body's page for applying (https://…)
    "date",  # when the statement was written or last reviewed (TOML date)
}
# A final edition's statement needs these: a way to report barriers, and where to turn next.
STATEMENT_REQUIRED = ("email", "enforcement_body", "enforcement_url")


@dataclass(frozen=True)
class Accessibility:
    """What the accessibility statement names (BITV 2.0 § 7, directive (EU) 2016/2102).

    Its conformance status is never configured: it comes from the latest `check` report.
    """

    contact: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    enforcement_body: str = ""
    enforcement_url: str = ""
    date: dt.date | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        """Return the keys a final edition needs that are not given."""
        return tuple(key for key in STATEMENT_REQUIRED if not getattr(self, key))


@dataclass(frozen=True)
class Edition:
    """One edition of the publication: a language and the formats it is published in."""

    id: str
    lang: str
    formats: tuple[str, ...]
    formality: str = "prefer_more"  # DeepL's formality: a city addresses its readers formally
    sources: tuple[Path, ...] = ()  # a text of its own (Leichte Sprache), not a translation
    style: str = "standard"  # "easy": Leichte Sprache typography, word list and linter
    name: str = ""  # how the language switcher names it, when the language name is not enough
    checked_by: str = ""  # the test-reader group that checked an easy-language edition
    checked_on: dt.date | None = None  # when they checked it
    # An edition with a text of its own names itself (a translation's come from its catalog).
    metadata: tuple[tuple[str, str], ...] = ()  # ("title", "…"), ("version", "…")

    @property
    def own_text(self) -> bool:
        """Tell whether the edition has a source of its own instead of a translation."""
        return bool(self.sources)

    @property
    def dir(self) -> str:
        """Return the writing direction of the edition's language, "ltr" or "rtl"."""
        return text_direction(self.lang)


@dataclass(frozen=True)
class Policies:
    """Rules that decide how an edition may be published."""

    min_approved_share: float = 1.0
    four_eyes: bool = False  # the approver of a person's draft must not be its author


@dataclass(frozen=True)
class Publication:
    """A validated publication config, with paths resolved against its directory."""

    root: Path
    config_path: Path
    title: str
    subtitle: str
    publisher: str
    version: str
    date: dt.date
    source_language: str
    sources: tuple[Path, ...]
    slug: str
    editions: tuple[Edition, ...]
    policies: Policies
    accessibility: Accessibility = Accessibility()


def load_config(root: Path) -> Publication:
    """Read and validate `publication.toml` in `root`; raise ConfigError with every problem."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(path, [(None, "no such file; create it or pass --project DIR")])
    text, data = read_toml(path)
    problems: list[str] = []
    publication = _publication(root.resolve(), path, data, problems)
    if problems:
        lines = _KeyLines(text)
        raise ConfigError(path, [lines.locate(problem) for problem in problems])
    assert publication is not None
    return publication


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """Read a TOML file; return its text and data, or raise ConfigError naming the line."""
    text = read_utf8(path)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no line attribute; its message carries it.
        where = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = str(exc).replace(where.group(0), "").strip() if where else str(exc)
        line = int(where.group(1)) if where else None
        raise ConfigError(path, [(line, f"not valid TOML: {message}")]) from None


def _publication(
    root: Path, path: Path, data: dict[str, Any], problems: list[str]
) -> Publication | None:
    _unknown_keys(data, _KNOWN_TOP, "", problems)
    texts = {key: _text(data, key, key, problems, required=True) for key in _REQUIRED_TEXT}
    subtitle = _text(data, "subtitle", "subtitle", problems, required=False)
    version = _text(data, "version", "version", problems, required=False)
    date = data["date"] if "date" in data else clock.today()  # or SOURCE_DATE_EPOCH's
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        problems.append("Config value 'date': expected a date such as 2018-06-30")
    source_language = _language(data.get("source_language", "de"), "source_language", problems)
    sources = _sources(root, data.get("sources"), problems)
    editions = _editions(root, data.get("editions"), problems)
    policies = _policies(data.get("policies", {}), problems)
    accessibility = _accessibility(data.get("accessibility", {}), problems)
    slug = data.get("slug") or _slugify(texts["title"] or "publication")
    if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        problems.append("Config value 'slug': expected lower-case letters, digits and '-'")
    if problems:
        return None
    return Publication(
        root=root,
        config_path=path,
        title=texts["title"],
        subtitle=subtitle,
        publisher=texts["publisher"],
        version=version,
        date=date,
        source_language=source_language,
        sources=sources,
        slug=slug,
        editions=editions,
        policies=policies,
        accessibility=accessibility,
    )


def _text(data: dict[str, Any], key: str, name: str, problems: list[str], required: bool) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"Config value '{name}': expected a non-empty text")
        return ""
    return value.strip()


def _language(value: Any, name: str, problems: list[str]) -> str:
    if not isinstance(value, str):
        problems.append(f"Config value '{name}': expected a language tag such as 'de' or 'en-GB'")
        return ""
    try:
        Locale.parse(value, sep="-")
    except (ValueError, UnknownLocaleError):
        problems.append(f"Config value '{name}': unknown language tag '{value}'")
    return value


def _sources(root: Path, value: Any, problems: list[str], key: str = "sources") -> tuple[Path, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(f"Config value '{key}': expected a list of Markdown files")
        return ()
    paths = tuple(root / v for v in value)
    for name, source in zip(value, paths, strict=True):
        if Path(name).is_absolute() or not source.resolve().is_relative_to(root.resolve()):
            problems.append(
                f"Config value '{key}': '{name}' is outside the publication's directory; "
                "copy the file into it (e.g. into source/) and name it relative to the config"
            )
        elif not source.is_file():
            problems.append(f"Config value '{key}': file '{name}' does not exist")
        elif "\x00" in source.read_text(encoding="utf-8", errors="replace"):
            problems.append(f"Config value '{key}': '{name}' contains a NUL byte; remove it")
    return paths


def _editions(root: Path, value: Any, problems: list[str]) -> tuple[Edition, ...]:
    if not isinstance(value, dict) or not value:
        problems.append("Config value 'editions': expected at least one [editions.ID] table")
        return ()
    editions = []
    for edition_id, table in value.items():
        name = f"editions.{edition_id}"
        if not isinstance(table, dict):
            problems.append(f"Config value '{name}': expected a table")
            continue
        if not re.fullmatch(r"[a-z][a-zA-Z0-9-]*", edition_id):
            problems.append(
                f"Config value '{name}': an edition id is a language tag such as 'tr' or "
                "'pt-BR': letters, digits and '-', starting with a letter"
            )
        elif edition_id == "assets":
            problems.append(f"Config value '{name}': 'assets' is reserved; choose another id")
        _unknown_keys(table, _KNOWN_EDITION, f"{name}.", problems)
        editions.append(_edition(root, edition_id, table, problems))
    return tuple(editions)


def _edition(root: Path, edition_id: str, table: dict[str, Any], problems: list[str]) -> Edition:
    name = f"editions.{edition_id}"
    lang = _language(table.get("lang", edition_id), f"{name}.lang", problems)
    formats = table.get("formats", list(FORMATS))
    if not isinstance(formats, list) or not formats or not all(f in FORMATS for f in formats):
        problems.append(f"Config value '{name}.formats': expected some of {list(FORMATS)}")
        formats = []
    formality = table.get("formality", "prefer_more")
    if formality not in FORMALITIES:
        problems.append(f"Config value '{name}.formality': expected one of {list(FORMALITIES)}")
        formality = "prefer_more"
    elif formality in ("more", "less") and not _has_formality(lang):
        problems.append(
            f"Config value '{name}.formality': DeepL offers '{formality}' only for "
            f"{', '.join(FORMAL_LANGUAGES)}; use 'prefer_{formality}', which other languages "
            "ignore"
        )
        formality = "prefer_more"
    sources = (
        _sources(root, table["sources"], problems, f"{name}.sources") if "sources" in table else ()
    )
    style = table.get("style", "standard")
    if style not in ("standard", "easy"):
        problems.append(f"Config value '{name}.style': expected 'standard' or 'easy'")
    elif style == "easy" and "sources" not in table:
        problems.append(
            f"Config value '{name}.style': 'easy' needs 'sources', the edition's own "
            "Leichte Sprache text"
        )
    label = table.get("name", "")
    if not isinstance(label, str):
        problems.append(f"Config value '{name}.name': expected a text")
        label = ""
    checked_by, checked_on = _test_readers(name, table, problems)
    metadata = tuple(
        (key, _text(table, key, f"{name}.{key}", problems, required=False))
        for key in EDITION_METADATA
        if key in table
    )
    if metadata and "sources" not in table:
        problems.append(
            f"Config value '{name}.{metadata[0][0]}': only an edition with sources of its own "
            "names its own title, subtitle or version; a translation's come from its catalog"
        )
    return Edition(
        edition_id,
        lang,
        tuple(formats),
        formality,
        sources,
        style,
        label,
        checked_by,
        checked_on,
        metadata,
    )


def _test_readers(
    name: str, table: dict[str, Any], problems: list[str]
) -> tuple[str, dt.date | None]:
    checked_by, checked_on = table.get("checked_by", ""), table.get("checked_on")
    if not isinstance(checked_by, str) or (checked_on is not None) != bool(checked_by):
        problems.append(
            f"Config value '{name}.checked_by': give the test-reader group and "
            "'checked_on' (a date) together, or neither"
        )
        return "", None
    if checked_on is not None and not isinstance(checked_on, dt.date):
        problems.append(f"Config value '{name}.checked_on': expected a date")
        return "", None
    return checked_by, checked_on


def _policies(value: Any, problems: list[str]) -> Policies:
    if not isinstance(value, dict):
        problems.append("Config value 'policies': expected a table")
        return Policies()
    _unknown_keys(value, _KNOWN_POLICIES, "policies.", problems)
    share = value.get("min_approved_share", 1.0)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        problems.append("Config value 'policies.min_approved_share': expected a number 0 to 1")
        share = 1.0
    four_eyes = value.get("four_eyes", False)
    if not isinstance(four_eyes, bool):
        problems.append("Config value 'policies.four_eyes': expected true or false")
        four_eyes = False
    return Policies(min_approved_share=float(share), four_eyes=four_eyes)


def _accessibility(value: Any, problems: list[str]) -> Accessibility:
    if not isinstance(value, dict):
        problems.append("Config value 'accessibility': expected a table")
        return Accessibility()
    _unknown_keys(value, _KNOWN_ACCESSIBILITY, "accessibility.", problems)
    texts = {
        key: _text(value, key, f"accessibility.{key}", problems, required=False)
        for key in ("contact", "email", "phone", "address", "enforcement_body", "enforcement_url")
    }
    if texts["email"] and not re.fullmatch(
        r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}", texts["email"]
    ):
        problems.append(
            "Config value 'accessibility.email': expected an e-mail address such as "
            "integration@example.org"
        )
    if texts["enforcement_url"] and not re.fullmatch(
        r"https://[^\s<>\"]+", texts["enforcement_url"]
    ):
        problems.append(
            "Config value 'accessibility.enforcement_url': expected an https:// address"
        )
    date = value.get("date")
    if date is not None and (not isinstance(date, dt.date) or isinstance(date, dt.datetime)):
        problems.append("Config value 'accessibility.date': expected a date such as 2026-12-01")
        date = None
    return Accessibility(**texts, date=date)


# The targets for which DeepL accepts formality "more" and "less" (any other answers 400).
FORMAL_LANGUAGES = ("de", "fr", "it", "es", "nl", "pl", "pt-BR", "pt-PT", "ja", "ru")


def _has_formality(lang: str) -> bool:
    parts = lang.split("-")
    if parts[0].lower() == "pt":
        return len(parts) > 1 and parts[1].upper() in ("BR", "PT")
    return parts[0].lower() in FORMAL_LANGUAGES


def _unknown_keys(table: dict[str, Any], known: set[str], prefix: str, problems: list[str]) -> None:
    for key in table:
        if key not in known:
            expected = ", ".join(sorted(known))
            problems.append(
                f"Config value '{prefix}{key}': unknown key (expected one of {expected})"
            )


def _slugify(title: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return re.sub(r"[^a-z0-9]+", "-", title.lower().translate(table)).strip("-") or "publication"


class _KeyLines:
    """Find the line of a dotted key in TOML text, so that errors can name it."""

    def __init__(self, text: str):
        self.lines: dict[str, int] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if header := re.match(r"\s*\[([^\[\]]+)\]", line):
                table = header.group(1).strip().replace('"', "")
                self.lines.setdefault(table, number)
            elif key := re.match(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""", line):
                name = next(group for group in key.groups() if group is not None)
                self.lines.setdefault(f"{table}.{name}".lstrip("."), number)

    def locate(self, problem: str) -> tuple[int | None, str]:
        """Pair a problem about 'key' with the key's line number, when it is known."""
        match = re.search(r"'([^']+)'", problem)
        key = match.group(1) if match else ""
        while key and key not in self.lines:
            key = key.rpartition(".")[0]
        return (self.lines[key] if key else None, problem)
