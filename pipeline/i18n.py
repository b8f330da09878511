"""Interface strings (Babel message catalogs) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from babel import Locale, lists
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from markupsafe import escape

LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def translations(lang: str, directory: Path = LOCALE_DIR) -> NullTranslations:
    """Return the interface translations for a language; English msgids if there are none.

    `directory` holds one `<lang>.po` per language: the editions' strings by default, the
    review app's in pipeline/review_app/locale/.
    """
    language = Locale.parse(lang, sep="-").language
    for name in (lang, language):
        po = directory / f"{name}.po"
        if po.is_file():
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=name.replace("-", "_"))
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(buffer)
    return NullTranslations()


FALLBACK = "en"  # the interface strings' msgids are English


class UiText(str):
    """An interface string, and the language it is shown in where that is not the page's.

    A string that the edition's interface catalog lacks falls back to English: in HTML it
    is marked as English (`{{ text }}`), in an attribute it is plain (`{{ text|plain }}`).
    """

    lang: str = ""

    def __html__(self) -> str:
        text = escape(str(self))
        if not self.lang:
            return str(text)
        return f'<span lang="{self.lang}" dir="{text_direction(self.lang)}">{text}</span>'


def ui_text(message: str, lang: str, directory: Path = LOCALE_DIR, **values: object) -> UiText:
    """Return an interface string in `lang` (formatted with `values`), marked if it falls back.

    `directory` holds the catalogs: the editions' by default, the report's in
    pipeline/report_locale/.
    """
    catalog = getattr(translations(lang, directory), "_catalog", {})
    translated = catalog.get(message)
    text = UiText((translated or message).format(**values) if values else (translated or message))
    if not translated and Locale.parse(lang, sep="-").language != FALLBACK:
        text.lang = FALLBACK
    return text


def text_direction(lang: str) -> str:
    """Return "rtl" for languages written right to left, else "ltr"."""
    order = Locale.parse(lang, sep="-").character_order
    return "rtl" if order == "right-to-left" else "ltr"


def format_list(items: list[str], lang: str) -> str:
    """Join items the way the language lists them, e.g. "A, B und C"."""
    return lists.format_list(items, locale=Locale.parse(lang, sep="-"))


def language_name(lang: str) -> str:
    """Return a language's name in that language itself, e.g. "Deutsch", "Türkçe", "English"."""
    locale = Locale.parse(lang, sep="-")
    # The language alone: a reader looks for "English", not "English (United Kingdom)".
    name = locale.languages.get(locale.language) or locale.get_display_name(locale) or lang
    return name[:1].upper() + name[1:]


def long_date(date: dt.date, lang: str) -> str:
    """Format a date the way the language writes it in full, e.g. "24. November 2026"."""
    return format_date(date, format="long", locale=Locale.parse(lang, sep="-"))


def file_size(size: int, lang: str) -> str:
    """Format a file size in kB or MB with the language's number format."""
    locale = Locale.parse(lang, sep="-")
    if size >= 1_000_000:
        return f"{format_decimal(size / 1_000_000, format='#,##0.0', locale=locale)} MB"
    return f"{format_decimal(max(1, round(size / 1000)), locale=locale)} kB"


def percent(share: float, lang: str) -> str:
    """Format a share of 0 to 1 as a whole percentage, e.g. "85 %" in German."""
    # Rounded down, so that 99.6 % approved never reads as 100 %.
    whole = int(share * 100 + 1e-9) / 100
    return format_percent(whole, locale=Locale.parse(lang, sep="-"))
