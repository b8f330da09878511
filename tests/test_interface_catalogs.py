"""The interface catalogs in pipeline/locale/: complete, consistent and used at run time.

Every test runs over the catalogs it finds, so a new `<lang>.po` is checked without
touching this file.
"""

from __future__ import annotations

import ast
import gettext
import re
import subprocess
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from pipeline.i18n import LOCALE_DIR, translations

PACKAGE = LOCALE_DIR.parent
REFERENCE = LOCALE_DIR / "de.po"
CATALOGS = sorted(LOCALE_DIR.glob("*.po"))
TRANSLATED = [path for path in CATALOGS if path != REFERENCE]
# No babel.cfg or [tool.babel] in the project: these are the extraction rules.
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"silent": "false"}}  # a broken template fails the test
BRACE = re.compile(r"\{[^{}]*\}")
# A lone "%" counts too: Jinja's newstyle gettext %-formats every template string.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]|%")
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _gettext_msgid(node: ast.AST) -> str | None:
    """Return the msgid if the node is `_("…")` or `….gettext("…")`, else None."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    first, func = node.args[0], node.func
    named = isinstance(func, ast.Name) and func.id == "_"
    if not (named or isinstance(func, ast.Attribute) and func.attr == "gettext"):
        return None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


# The review app, the review packs and lint-easy have catalogs of their own (locale/ in each).
# These speak from catalogs of their own (the report: pipeline/report_locale/).
OWN_CATALOGS = (
    "review_app/",
    "review_pack/",
    "easy/",
    "templates/report.html",
    "render/report_page.py",
)


def _msgids_in_fstrings() -> dict[str, list[str]]:
    """Return the msgids of gettext calls inside f-strings, which Babel misses on Python 3.11."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).as_posix().startswith(OWN_CATALOGS):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
            for node in ast.walk(fstring):
                if msgid := _gettext_msgid(node):
                    where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
                    found.setdefault(msgid, []).append(where)
    return found


def _extracted() -> dict[str, list[str]]:
    """Return every msgid the templates and the code ask for, with where they ask."""
    found = _msgids_in_fstrings()
    keywords = {**DEFAULT_KEYWORDS, "ui": None, "ui_text": None}  # marked with their language
    extracted = extract_from_dir(PACKAGE, METHODS, OPTIONS, keywords=keywords)
    for filename, line, msgid, _comments, _context in extracted:
        if not filename.startswith(OWN_CATALOGS):
            found.setdefault(str(msgid), []).append(f"{filename}:{line}")
    return found


def _source_and_forms(message: Message) -> tuple[str, list[str]]:
    """Return the msgid (the plural one, if any) and every translated form as text."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return ids[-1], [text or "" for text in strings]


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    return sorted(BRACE.findall(text)), sorted(PERCENT.findall(text))


def test_every_interface_string_in_the_code_is_in_the_german_catalog():
    extracted = _extracted()
    places = {place.split(":")[0] for where in extracted.values() for place in where}
    assert any(p.endswith(".html") for p in places) and any(p.endswith(".py") for p in places)
    german = {message.id for message in _entries(_read(REFERENCE))}
    missing = {msgid: where for msgid, where in extracted.items() if msgid not in german}
    assert not missing, f"add these msgids to {REFERENCE.name} and every catalog: {missing}"


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda path: path.stem)
def test_a_catalog_has_the_same_entries_as_the_german_one(path: Path):
    german = {(m.context, m.id) for m in _entries(_read(REFERENCE))}
    entries = {(m.context, m.id) for m in _entries(_read(path))}
    assert entries - german == set(), "entries that de.po does not have"
    assert german - entries == set(), "entries of de.po that are missing"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.stem)
def test_every_entry_is_translated_and_keeps_its_placeholders(path: Path):
    for message in _entries(_read(path)):
        source, forms = _source_and_forms(message)
        # A fuzzy entry is left out of the compiled catalog, so readers would see English.
        assert not message.fuzzy, f"{path.name}:{message.lineno}: fuzzy"
        for text in forms:
            assert text.strip(), f"{path.name}:{message.lineno}: empty translation"
            assert _placeholders(text) == _placeholders(source), (
                f"{path.name}:{message.lineno}: placeholders differ from the msgid"
            )


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.stem)
def test_gnu_msgfmt_accepts_the_catalog(path: Path):
    check = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.stem)
def test_the_header_names_the_language_and_its_cldr_plural_forms(path: Path):
    catalog = _read(path)
    locale = Locale.parse(path.stem, sep="-")
    assert catalog.locale == locale
    # Babel's own table differs from CLDR for some languages (Arabic: babel issue 816).
    numbers = range(1001)
    tags = [locale.plural_form(n) for n in numbers]
    order = [tag for tag in CLDR_ORDER if tag in tags]
    plural = gettext.c2py(catalog.plural_expr)
    assert catalog.num_plurals == len(order), catalog.plural_forms
    wrong = [n for n in numbers if plural(n) != order.index(tags[n])]
    assert not wrong, f"{catalog.plural_forms} picks the wrong form for n = {wrong[:5]}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.stem)
def test_the_runtime_serves_every_entry_of_the_catalog(path: Path):
    serve = translations(path.stem).gettext
    for message in _entries(_read(path)):
        if isinstance(message.id, str):  # a plural entry would need ngettext and a number
            assert serve(message.id) == message.string, f"{path.name}:{message.lineno}"


def test_arabic_comes_from_its_catalog_and_british_english_from_the_msgids():
    arabic = {message.id: message.string for message in _entries(_read(LOCALE_DIR / "ar.po"))}
    for msgid in ("Skip to content", "Draft translation", "Page {page} of {pages}"):
        assert translations("ar").gettext(msgid) == arabic[msgid] != msgid
        assert translations("en-GB").gettext(msgid) == msgid
