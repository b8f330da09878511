"""The DeepL client: made from the environment, its failures turned into one-line errors.

Every module that talks to DeepL goes through this package (pipeline/mt/); the key comes
from DEEPL_AUTH_KEY and is never printed, logged or stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import deepl

from pipeline.config import Edition
from pipeline.errors import PipelineError

T = TypeVar("T")
Client = deepl.DeepLClient  # for type hints outside this package
_TARGETS = {"en": "EN-GB", "pt": "PT-PT", "zh": "ZH-HANS"}  # DeepL rejects bare EN and PT


class QuotaExceeded(PipelineError):
    """DeepL stopped translating because the account's character quota is used up."""


def deepl_target(edition: Edition) -> str:
    """Return DeepL's target language code for an edition: en-GB gives EN-GB, tr gives TR."""
    lang = edition.lang.split("-")
    if len(lang) > 1 and len(lang[1]) == 2:
        return f"{lang[0]}-{lang[1]}".upper()
    return _TARGETS.get(lang[0].lower(), lang[0].upper())


def client_from_environment() -> deepl.DeepLClient:
    """Make a DeepL client from DEEPL_AUTH_KEY and, when set, DEEPL_SERVER_URL."""
    key = os.environ.get("DEEPL_AUTH_KEY", "").strip()
    if not key:
        raise PipelineError(
            "DEEPL_AUTH_KEY is not set; export your DeepL API key in it (it is never stored)"
        )
    # The client picks the Free or Pro server from the key (":fx" keys are Free).
    server = os.environ.get("DEEPL_SERVER_URL") or None
    return deepl.DeepLClient(key, server_url=server, send_platform_info=False)


def usage_left(client: deepl.DeepLClient) -> int | None:
    """Return the characters left in the account's quota, None if it has no limit."""
    usage = call_deepl(client, client.get_usage).character
    return None if usage.limit is None else max(usage.limit - (usage.count or 0), 0)


def call_deepl(client: deepl.DeepLClient, call: Callable[[], T]) -> T:
    """Run a client call; turn DeepL's failures into one line that says what to do."""
    # The client itself retries 429 (too many requests) and 5xx answers with a backoff.
    try:
        return call()
    except deepl.QuotaExceededException:
        raise QuotaExceeded(
            "DeepL's character quota is used up (456); the drafts received so far are saved; "
            "run translate again when the quota is renewed or raised"
        ) from None
    except deepl.AuthorizationException:
        raise PipelineError(
            "DeepL refused the key in DEEPL_AUTH_KEY (403); check that it is a valid, active key"
        ) from None
    except deepl.ConnectionException as exc:
        raise PipelineError(
            f"cannot reach the DeepL server at {client.server_url} ({type(exc).__name__}); "
            "check the network connection, or DEEPL_SERVER_URL if it is set"
        ) from None
    except deepl.DeepLException as exc:
        raise PipelineError(_explained(exc)) from None


# What to do about an answer that retrying will not change.
_PERMANENT = {
    400: "DeepL refused the request as invalid ({detail}); retrying will not help: check the "
    "edition's language and formality in publication.toml",
    403: "DeepL refused the key in DEEPL_AUTH_KEY (403); check that it is a valid, active key",
    404: "DeepL does not know what was asked for ({detail}); check DEEPL_SERVER_URL",
    413: "the request was too large for DeepL (413); split the longest paragraphs",
    456: "DeepL's character quota is used up (456); run translate again when it is renewed",
}


def _explained(exc: deepl.DeepLException) -> str:
    """Say what a failure means and what to do: permanent ones are not "try again later"."""
    status = exc.http_status_code
    if status in _PERMANENT:
        return _PERMANENT[status].format(detail=_first_line(exc))
    return (
        f"DeepL failed ({_first_line(exc)}); it is busy or unreachable after several retries: "
        "the drafts received so far are saved, so run translate again later"
    )


def glossary_missing(exc: deepl.DeepLException) -> bool:
    """Tell whether DeepL says the glossary asked for no longer exists (400 or 404)."""
    if isinstance(exc, deepl.GlossaryNotFoundException):
        return True
    text = str(exc).lower()
    return exc.http_status_code in (400, 404) and "glossary" in text and "not found" in text


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def rephrase_simple(client: deepl.DeepLClient, texts: list[str]) -> list[str]:
    """Return DeepL Write's plainer German (writing style "simple") for each text."""

    def send() -> list[str]:
        results = client.rephrase_text(texts, target_lang="DE", style="simple")
        return [r.text for r in (results if isinstance(results, list) else [results])]

    try:
        return call_deepl(client, send)
    except PipelineError as exc:
        if "(403)" not in exc.message:
            raise
        raise PipelineError(f"{exc.message}; DeepL Write also needs a Pro key") from None
