"""The linter's messages and suggestions, in German by default (`lint-easy --lang en`).

The msgids are English, like the rest of the pipeline's; `locale/de.po` holds the German
that Leichte Sprache writers read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pipeline.i18n import translations

LOCALE = Path(__file__).parent / "locale"
LANGUAGES = ("de", "en")
_language: ContextVar[str] = ContextVar("lint_language", default="de")


def _(message: str, **values: object) -> str:
    """Return a message in the linter's language, with its values filled in."""
    text = translations(_language.get(), LOCALE).gettext(message)
    return text.format(**values) if values else text


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Give the linter's messages in `lang` ("de" or "en") inside the block."""
    token = _language.set(lang)
    try:
        yield
    finally:
        _language.reset(token)


def summary(errors: int, warnings: int, lang: str) -> str:
    """Return the line that counts the findings."""
    with speaking(lang):
        return _("{errors} error(s), {warnings} warning(s)", errors=errors, warnings=warnings)
