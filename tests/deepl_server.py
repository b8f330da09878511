"""A DeepL-compatible HTTP server for tests and manual trials (standard library only).

It answers the requests of the official ``deepl`` client (1.32) the way DeepL does: the same
paths, parameters (JSON or form-encoded), limits, status codes and response shapes. Translations
are deterministic pseudo-translations, so tests can assert on them::

    with DeepLServer(key="test-key:fx") as server:
        client = deepl.DeepLClient("test-key:fx", server_url=server.url)
        client.translate_text("<p>Das Amt</p>", source_lang="DE", target_lang="EN-GB",
                              tag_handling="xml").text          # '[EN-GB] <p>Das Amt</p>'
        server.billed_characters()                              # 14

Try it by hand (a new user can point the pipeline's translate step at it)::

    python -m tests.deepl_server --port 8123 --key KEY

It prints its URL (``http://127.0.0.1:8123/``), logs one line per request and serves until Ctrl-C.
In another shell, point the pipeline at it (``pipeline/mt/client.py`` reads these two)::

    DEEPL_AUTH_KEY=KEY DEEPL_SERVER_URL=http://127.0.0.1:8123/ python -m pipeline translate --all

Pseudo-translation: ``"[<TARGET_LANG>] "`` + the text. With ``tag_handling`` (xml or html) tags,
attributes and comments stay byte for byte and only the text between tags changes: glossary
terms (whole word, case-sensitive) become their target terms, except inside ``ignore_tags``.
``server.break_markup = True`` drops closing tags from results, to test broken-markup detection.

Faults: ``server.fail(503, times=2)`` answers the next two matching requests with 503;
``fail("drop")`` closes the connection without an answer; ``fail("hang")`` holds the request
unanswered until the server stops (or ``hang_seconds``); ``after=n`` lets n matching requests
through first. Injected answers bill nothing.

Retries of the deepl client (``deepl/http_client.py``), what a test should know:

* 429 and every status >= 500 are retried, and so is a dropped connection or a timeout
  (``ConnectionException(should_retry=True)``); 400, 403, 404, 413 and 456 are not.
  ``max_network_retries = 5`` retries, so up to 6 requests reach the server.
* The backoff ignores ``Retry-After`` and every other response header. The first retry happens
  1 s after the first attempt started; each later wait is 1.6 times the previous one with ±23 %
  jitter (1, 1.6, 2.56, 4.1, 6.55 s: about 16 s until the client gives up).
* Each attempt's timeout is ``max(time left until the next backoff deadline,
  min_connection_timeout)``, at least 10 s: a hanging server costs 10 s per attempt.
* ``deepl.http_client.max_network_retries`` and ``min_connection_timeout`` are module globals the
  client documents and reads on every request. The 1 s initial backoff is the class attribute
  ``_BackoffTimer.BACKOFF_INITIAL``; ``fast_retries()`` below shortens it for a test.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import permutations
from typing import Any
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

TEST_KEY = "test-key:fx"
AUTH_FAILURE = "Authorization failure, check auth_key"
MAX_TEXTS = 50
BODY_LIMITS = {"/v2/translate": 128 * 1024, "/v2/write/rephrase": 10 * 1024}
BILLED_PATHS = frozenset(BODY_LIMITS)

_NAMES = {
    "AR": "Arabic", "BG": "Bulgarian", "CS": "Czech", "DA": "Danish", "DE": "German",
    "EL": "Greek", "EN": "English", "ES": "Spanish", "ET": "Estonian", "FI": "Finnish",
    "FR": "French", "HU": "Hungarian", "ID": "Indonesian", "IT": "Italian", "JA": "Japanese",
    "KO": "Korean", "LT": "Lithuanian", "LV": "Latvian", "NB": "Norwegian (Bokmål)",
    "NL": "Dutch", "PL": "Polish", "PT": "Portuguese", "RO": "Romanian", "RU": "Russian",
    "SK": "Slovak", "SL": "Slovenian", "SV": "Swedish", "TR": "Turkish", "UK": "Ukrainian",
    "ZH": "Chinese",
}  # fmt: skip
# Translation only, no glossaries (NOTES.md); KMR is assumed to be Kurmanji's code.
_EXTRA = {"FA": "Persian", "HR": "Croatian", "SQ": "Albanian", "PS": "Pashto",
          "KMR": "Kurdish (Kurmanji)", "CKB": "Kurdish (Sorani)"}  # fmt: skip
_VARIANTS = {"EN-GB": "English (British)", "EN-US": "English (American)",
             "PT-BR": "Portuguese (Brazilian)", "PT-PT": "Portuguese (European)",
             "ZH-HANS": "Chinese (simplified)", "ZH-HANT": "Chinese (traditional)"}  # fmt: skip
SOURCE_LANGUAGES = {**_NAMES, **_EXTRA}
TARGET_LANGUAGES = {
    **{k: v for k, v in _NAMES.items() if k not in ("EN", "PT")},
    **_VARIANTS,
    **_EXTRA,
}
FORMALITY_TARGETS = frozenset("DE FR IT ES NL PL PT-BR PT-PT JA RU".split())
GLOSSARY_PAIRS = frozenset(permutations(_NAMES, 2))
WRITE_TARGETS = frozenset("DE EN-GB EN-US ES FR IT PT-BR PT-PT".split())
_STYLES = ("default", "simple", "business", "academic", "casual")
_TONES = ("default", "enthusiastic", "friendly", "confident", "diplomatic")
WRITING_STYLES = frozenset(_STYLES + tuple(f"prefer_{s}" for s in _STYLES[1:]))
WRITING_TONES = frozenset(_TONES + tuple(f"prefer_{t}" for t in _TONES[1:]))
_FORMALITIES = frozenset({"default", "more", "less", "prefer_more", "prefer_less"})
_LIST_PARAMS = frozenset(
    {"text", "glossary_ids", "ignore_tags", "non_splitting_tags", "splitting_tags"}
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([^\s/>]+)")


class ApiError(Exception):
    """An error answer: HTTP status and DeepL's JSON message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Fault:
    """An injected answer: an HTTP status, "drop" (close unanswered) or "hang" (hold)."""

    status: int | str
    times: int | None  # answers still to give; None: every matching request
    path: str | None  # "/v2/translate" also matches "/v2/translate/..."; None matches all
    method: str | None
    after: int  # matching requests still to let through before the first fault
    message: str | None = None  # the error message to answer with, instead of the default

    def matches(self, method: str, path: str) -> bool:
        """Tell whether this fault applies to a request."""
        if self.method is not None and self.method != method:
            return False
        return self.path is None or path == self.path or path.startswith(self.path + "/")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received and answered it."""

    method: str
    path: str  # without the query string
    params: dict[str, Any]  # query and body merged; JSON as sent, form fields decoded
    headers: dict[str, str]  # the Authorization value is redacted
    authorized: bool
    body_bytes: int
    texts: tuple[str, ...]  # "text" of /v2/translate and /v2/write/rephrase
    source_lang: str | None
    target_lang: str | None
    status: int | None  # None: dropped or held without an answer
    billed_characters: int
    injected: bool  # answered by a fault from fail()


@dataclass
class _Glossary:
    glossary_id: str
    name: str
    creation_time: str
    dictionaries: dict[tuple[str, str], dict[str, str]]

    def info(self) -> dict[str, Any]:
        dictionaries = [_dictionary_info(pair, e) for pair, e in self.dictionaries.items()]
        return {
            "glossary_id": self.glossary_id,
            "name": self.name,
            "creation_time": self.creation_time,
            "dictionaries": dictionaries,
        }


class DeepLServer:
    """A DeepL API stand-in on 127.0.0.1; a context manager that starts and stops it."""

    def __init__(
        self,
        key: str = TEST_KEY,
        *,
        character_limit: int = 500_000,
        pro: bool | None = None,
        port: int = 0,
    ) -> None:
        self.key = key
        self.character_limit = character_limit
        self.character_count = 0
        self.write_character_count = 0
        # DeepL API for Write is Pro only; a Free key ends in ":fx".
        self.pro = not key.endswith(":fx") if pro is None else pro
        self.break_markup = False
        self.hang_seconds = 30.0
        self.on_request: Callable[[RecordedRequest], None] | None = None
        self._lock = threading.RLock()
        self._recorded = threading.Condition(self._lock)
        self._requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._glossaries: dict[str, _Glossary] = {}
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.api = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="deepl-server", daemon=True
        )

    @property
    def url(self) -> str:
        """Return the base URL for ``server_url``, ending in "/"."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def port(self) -> int:
        """Return the port the OS chose."""
        return int(self._httpd.server_address[1])

    @property
    def requests(self) -> list[RecordedRequest]:
        """Return a snapshot of every request so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def start(self) -> DeepLServer:
        """Serve in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release held requests and close open connections."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=5)

    def __enter__(self) -> DeepLServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail(
        self,
        status: int | str,
        times: int | None = 1,
        path: str | None = "/v2/translate",
        *,
        after: int = 0,
        method: str | None = None,
        message: str | None = None,
    ) -> Fault:
        """Answer the next `times` matching requests with `status`, "drop" or "hang"."""
        if status not in ("drop", "hang") and not (isinstance(status, int) and status >= 400):
            raise ValueError(f"fail(): status must be >= 400, 'drop' or 'hang', not {status!r}")
        if (times is not None and times < 1) or after < 0:
            raise ValueError("fail(): times must be None or >= 1, after must be >= 0")
        fault = Fault(status, times, path, method, after, message)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Forget every pending fault."""
        with self._lock:
            self._faults.clear()

    def translate_requests(self) -> list[RecordedRequest]:
        """Return the recorded /v2/translate requests."""
        return [r for r in self.requests if r.path == "/v2/translate"]

    def billed_characters(self, path: str = "/v2/translate") -> int:
        """Return the characters billed for requests to `path`."""
        return sum(r.billed_characters for r in self.requests if r.path == path)

    def wait_for_requests(
        self, count: int, path: str | None = "/v2/translate", timeout: float = 5.0
    ) -> bool:
        """Wait until `count` requests to `path` (None: any) arrived; False on timeout."""

        def arrived() -> bool:
            return sum(path is None or r.path == path for r in self._requests) >= count

        with self._recorded:
            return self._recorded.wait_for(arrived, timeout)

    def add_glossary(self, name: str, dictionaries: dict[tuple[str, str], dict[str, str]]) -> str:
        """Store a glossary directly, keyed by (source, target) codes, and return its ID."""
        pairs = {(s.upper(), t.upper()): dict(e) for (s, t), e in dictionaries.items()}
        glossary = _Glossary(str(uuid.uuid4()), name, _now(), pairs)
        with self._lock:
            self._glossaries[glossary.glossary_id] = glossary
        return glossary.glossary_id

    def glossary_entries(self, glossary_id: str, source: str, target: str) -> dict[str, str]:
        """Return a copy of one dictionary of a stored glossary."""
        with self._lock:
            return dict(self._glossaries[glossary_id].dictionaries[source.upper(), target.upper()])

    # Request handling, called from the handler threads.

    def _answer(self, method: str, target: str, message: Message, body: bytes) -> Any:
        """Answer one request: (status, payload), or None to close the connection unanswered."""
        url = urlsplit(target)
        headers = dict(message.items())
        auth = message.get("Authorization", "")
        authorized = auth == f"DeepL-Auth-Key {self.key}"
        fault: Fault | None = None
        params: dict[str, Any] = {}
        try:
            params = _decode(url.query, body, message.get("Content-Type", ""))
            fault = self._take_fault(method, url.path)
            if fault is not None:
                status, payload = _injected(fault.status, fault.message)
            elif not authorized:
                status, payload = 403, {"message": AUTH_FAILURE}
            else:
                status, payload = self._dispatch(method, url.path, params, len(body))
        except ApiError as error:
            status, payload = error.status, {"message": error.message}
        for name in headers:
            if name.lower() == "authorization":
                headers[name] = auth.split(" ")[0] + " ***"
        texts = _texts_of(params) if url.path in BILLED_PATHS else ()
        billed = sum(map(len, texts)) if status == 200 and url.path in BILLED_PATHS else 0
        source, target_lang = params.get("source_lang"), params.get("target_lang")
        record = RecordedRequest(
            method, url.path, params, headers, authorized, len(body), texts,
            source.upper() if isinstance(source, str) else None,
            target_lang.upper() if isinstance(target_lang, str) else None,
            status, billed, fault is not None,
        )  # fmt: skip
        with self._recorded:
            self._requests.append(record)
            self._recorded.notify_all()
        if self.on_request is not None:
            try:
                self.on_request(record)
            except Exception:  # a broken hook must not turn into a dropped connection
                logger.exception("on_request hook failed for %s %s", method, url.path)
        if fault is not None and fault.status == "hang":
            self._stopping.wait(self.hang_seconds)
        return None if status is None else (status, payload)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            active = [f for f in self._faults if f.matches(method, path)]
            fault = next((f for f in active if f.after == 0), None)
            if fault is None:
                for waiting in active:
                    waiting.after -= 1
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
            return fault

    def _dispatch(self, method: str, path: str, params: dict[str, Any], size: int) -> Any:
        matched = False
        for methods, pattern, name, status in _ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            matched = True
            if method in methods.split():
                if size > BODY_LIMITS.get(path, size):
                    raise ApiError(413, "Request Entity Too Large")
                return status, getattr(self, name)(params, **match.groupdict())
        raise ApiError(405, "Method not allowed") if matched else ApiError(404, "Not found")

    def _translate(self, params: dict[str, Any]) -> dict[str, Any]:
        texts = _required_texts(params)
        if len(texts) > MAX_TEXTS:
            raise ApiError(400, f"Too many texts: at most {MAX_TEXTS} per request.")
        target = _target_lang(params)
        source = _source_lang(params)
        _check_formality(params.get("formality"), target)
        _check_choice(params, "tag_handling", ("xml", "html"))
        _check_choice(params, "split_sentences", ("0", "1", "nonewlines"))
        glossaries = self._translation_glossaries(params, source, target)
        tagged = params.get("tag_handling") is not None
        ignore = frozenset(_tag_list(params.get("ignore_tags")))
        billed = sum(map(len, texts))
        with self._lock:
            if self.character_count + billed > self.character_limit:
                raise ApiError(456, "Quota exceeded")
            self.character_count += billed
        show = _flag(params.get("show_billed_characters"))
        translations = []
        for text in texts:
            result = pseudo_translate(text, target, glossaries, tagged, ignore, self.break_markup)
            item: dict[str, Any] = {"detected_source_language": source or "DE", "text": result}
            if show:
                item["billed_characters"] = len(text)
            translations.append(item)
        return {"translations": translations}

    def _translation_glossaries(
        self, params: dict[str, Any], source: str | None, target: str
    ) -> list[dict[str, str]]:
        ids = [params["glossary_id"]] if params.get("glossary_id") else []
        ids += _as_list(params.get("glossary_ids"))
        if ids and source is None:
            raise ApiError(400, "Use of a glossary requires the source_lang parameter to be set.")
        pair = (str(source), target.split("-")[0])
        with self._lock:
            glossaries = [self._glossary(str(gid)) for gid in ids]
            if any(pair not in g.dictionaries for g in glossaries):
                raise ApiError(400, f"The glossary has no dictionary for {pair[0]}->{pair[1]}.")
            return [dict(g.dictionaries[pair]) for g in glossaries]

    def _usage(self, params: dict[str, Any]) -> dict[str, int]:
        with self._lock:
            return {
                "character_count": self.character_count,
                "character_limit": self.character_limit,
            }

    def _languages(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        kind = params.get("type", "source")
        if kind == "source":
            return [{"language": c, "name": n} for c, n in SOURCE_LANGUAGES.items()]
        if kind == "target":
            return [
                {"language": c, "name": n, "supports_formality": c in FORMALITY_TARGETS}
                for c, n in TARGET_LANGUAGES.items()
            ]
        raise ApiError(400, "Value for 'type' not supported.")

    def _glossary_pairs(self, params: dict[str, Any]) -> dict[str, Any]:
        pairs = sorted(GLOSSARY_PAIRS)
        return {
            "supported_languages": [
                {"source_lang": s.lower(), "target_lang": t.lower()} for s, t in pairs
            ]
        }

    def _rephrase(self, params: dict[str, Any]) -> dict[str, Any]:
        if not self.pro:
            raise ApiError(403, "DeepL API for Write needs a DeepL API Pro subscription.")
        texts = _required_texts(params)
        target = params.get("target_lang")
        if target is not None and str(target).upper() not in WRITE_TARGETS:
            raise ApiError(400, "Value for 'target_lang' not supported.")
        style, tone = params.get("writing_style"), params.get("tone")
        if style and tone:
            raise ApiError(400, "Use either 'writing_style' or 'tone', not both.")
        if (style and style not in WRITING_STYLES) or (tone and tone not in WRITING_TONES):
            raise ApiError(400, "Value for 'writing_style' or 'tone' not supported.")
        with self._lock:
            self.write_character_count += sum(map(len, texts))
        label = f"rephrased:{style or tone}" if style or tone else "rephrased"
        target_language = str(target).upper() if target else "DE"
        return {
            "improvements": [
                {"text": f"[{label}] {text}", "detected_source_language": "DE",
                 "target_language": target_language}
                for text in texts
            ]
        }  # fmt: skip

    def _create_glossary(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("name"):
            raise ApiError(400, "Parameter 'name' not specified.")
        dictionaries = _parse_dictionaries(params.get("dictionaries"))
        glossary = _Glossary(str(uuid.uuid4()), str(params["name"]), _now(), dictionaries)
        with self._lock:
            self._glossaries[glossary.glossary_id] = glossary
        return glossary.info()

    def _list_glossaries(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"glossaries": [g.info() for g in self._glossaries.values()]}

    def _get_glossary(self, params: dict[str, Any], gid: str) -> dict[str, Any]:
        with self._lock:
            return self._glossary(gid).info()

    def _update_glossary(self, params: dict[str, Any], gid: str) -> dict[str, Any]:
        if not params.get("name") and not params.get("dictionaries"):
            raise ApiError(400, "Nothing to update: give 'name' or 'dictionaries'.")
        updates = _parse_dictionaries(params["dictionaries"]) if params.get("dictionaries") else {}
        with self._lock:
            glossary = self._glossary(gid)
            if params.get("name"):
                glossary.name = str(params["name"])
            for pair, entries in updates.items():
                glossary.dictionaries[pair] = {**glossary.dictionaries.get(pair, {}), **entries}
            return glossary.info()

    def _delete_glossary(self, params: dict[str, Any], gid: str) -> None:
        with self._lock:
            del self._glossaries[self._glossary(gid).glossary_id]

    def _replace_dictionary(self, params: dict[str, Any], gid: str) -> dict[str, Any]:
        pair, entries = _parse_dictionary(params)
        with self._lock:
            self._glossary(gid).dictionaries[pair] = entries
        return _dictionary_info(pair, entries)

    def _glossary_entries(self, params: dict[str, Any], gid: str) -> dict[str, Any]:
        pair = _pair_param(params)
        with self._lock:
            entries = self._dictionary(gid, pair)
        tsv = "\n".join(f"{s}\t{t}" for s, t in entries.items())
        return {
            "dictionaries": [
                {"source_lang": pair[0].lower(), "target_lang": pair[1].lower(),
                 "entries": tsv, "entries_format": "tsv"}
            ]
        }  # fmt: skip

    def _delete_dictionary(self, params: dict[str, Any], gid: str) -> None:
        pair = _pair_param(params)
        with self._lock:
            self._dictionary(gid, pair)
            del self._glossaries[gid].dictionaries[pair]

    def _glossary(self, gid: str) -> _Glossary:
        if not _UUID.fullmatch(gid):
            raise ApiError(400, "Invalid glossary ID.")
        if gid not in self._glossaries:
            raise ApiError(404, "Glossary not found.")
        return self._glossaries[gid]

    def _dictionary(self, gid: str, pair: tuple[str, str]) -> dict[str, str]:
        dictionaries = self._glossary(gid).dictionaries
        if pair not in dictionaries:
            raise ApiError(404, f"The glossary has no dictionary for {pair[0]}->{pair[1]}.")
        return dict(dictionaries[pair])


_GLOSSARY = r"/v3/glossaries/(?P<gid>[^/]+)"
_ROUTES = [
    (methods, re.compile(pattern), name, status)
    for methods, pattern, name, status in (
        ("POST", "/v2/translate", "_translate", 200),
        ("GET POST", "/v2/usage", "_usage", 200),
        ("GET POST", "/v2/languages", "_languages", 200),
        ("GET", "/v2/glossary-language-pairs", "_glossary_pairs", 200),
        ("POST", "/v2/write/rephrase", "_rephrase", 200),
        ("GET", "/v3/glossaries", "_list_glossaries", 200),
        ("POST", "/v3/glossaries", "_create_glossary", 201),
        ("GET", _GLOSSARY, "_get_glossary", 200),
        ("PATCH", _GLOSSARY, "_update_glossary", 200),
        ("DELETE", _GLOSSARY, "_delete_glossary", 204),
        ("GET", _GLOSSARY + "/entries", "_glossary_entries", 200),
        ("PUT", _GLOSSARY + "/dictionaries", "_replace_dictionary", 200),
        ("DELETE", _GLOSSARY + "/dictionaries", "_delete_dictionary", 204),
    )
]


def pseudo_translate(
    text: str,
    target: str,
    glossaries: list[dict[str, str]],
    tagged: bool,
    ignore_tags: frozenset[str] = frozenset(),
    break_markup: bool = False,
) -> str:
    """Prefix "[TARGET] " and apply glossary terms to the text between tags."""
    replace = _term_replacer(glossaries)
    if not tagged:
        return f"[{target}] {replace(text)}"
    parts: list[str] = []
    ignored = 0
    for index, piece in enumerate(_MARKUP.split(text)):
        if index % 2 == 0:  # text between tags
            parts.append(piece if ignored else replace(piece))
            continue
        tag = _TAG.match(piece)
        closing = bool(tag and tag.group(1))
        if tag and tag.group(2) in ignore_tags and not piece.endswith("/>"):
            ignored = max(0, ignored - 1) if closing else ignored + 1
        if not (closing and break_markup):
            parts.append(piece)
    return f"[{target}] " + "".join(parts)


def _term_replacer(glossaries: list[dict[str, str]]) -> Callable[[str], str]:
    terms: dict[str, str] = {}
    for entries in glossaries:  # an earlier glossary wins
        for source, target in entries.items():
            terms.setdefault(source, target)
    if not terms:
        return lambda text: text
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return lambda text: pattern.sub(lambda match: terms[match.group(0)], text)


def _decode(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    params = _form(query)
    if not body:
        return params
    try:
        if content_type.startswith("application/json"):
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ApiError(400, "The JSON body must be an object.")
            return {**params, **data}
        return {**params, **_form(body.decode("utf-8"))}
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApiError(400, f"Malformed request body: {error}") from None


def _form(text: str) -> dict[str, Any]:
    fields = parse_qs(text, keep_blank_values=True)
    return {k: v if len(v) > 1 or k in _LIST_PARAMS else v[0] for k, v in fields.items()}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _texts_of(params: dict[str, Any]) -> tuple[str, ...]:
    return tuple(t for t in _as_list(params.get("text")) if isinstance(t, str))


def _required_texts(params: dict[str, Any]) -> tuple[str, ...]:
    texts = _as_list(params.get("text"))
    if not texts:
        raise ApiError(400, "Parameter 'text' not specified.")
    if not all(isinstance(t, str) for t in texts):
        raise ApiError(400, "Parameter 'text' must be a string or a list of strings.")
    return tuple(texts)


def _tag_list(value: Any) -> list[str]:
    return [tag for item in _as_list(value) for tag in str(item).split(",") if tag]


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _target_lang(params: dict[str, Any]) -> str:
    if not params.get("target_lang"):
        raise ApiError(400, "Parameter 'target_lang' not specified.")
    target = str(params["target_lang"]).upper()
    if target in ("EN", "PT"):
        variants = "EN-GB or EN-US" if target == "EN" else "PT-BR or PT-PT"
        raise ApiError(400, f"Value for 'target_lang' is deprecated, use {variants}.")
    if target not in TARGET_LANGUAGES:
        raise ApiError(400, "Value for 'target_lang' not supported.")
    return target


def _source_lang(params: dict[str, Any]) -> str | None:
    if not params.get("source_lang"):
        return None
    source = str(params["source_lang"]).upper()
    if source not in SOURCE_LANGUAGES:
        raise ApiError(400, "Value for 'source_lang' not supported.")
    return source


def _check_formality(formality: Any, target: str) -> None:
    if formality is None:
        return
    if formality not in _FORMALITIES:
        raise ApiError(400, "Value for 'formality' not supported.")
    if formality in ("more", "less") and target not in FORMALITY_TARGETS:
        raise ApiError(400, "'formality' is not supported for given 'target_lang'.")


def _check_choice(params: dict[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    if params.get(name) is not None and params[name] not in allowed:
        raise ApiError(400, f"Value for '{name}' not supported.")


def _parse_dictionaries(value: Any) -> dict[tuple[str, str], dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise ApiError(400, "Parameter 'dictionaries' must be a non-empty list.")
    parsed = dict(_parse_dictionary(d) for d in value)
    if len(parsed) != len(value):
        raise ApiError(400, "Each language pair may occur only once.")
    return parsed


def _parse_dictionary(spec: Any) -> tuple[tuple[str, str], dict[str, str]]:
    if not isinstance(spec, dict):
        raise ApiError(400, "A dictionary must be an object.")
    pair = _pair_param(spec)
    if pair not in GLOSSARY_PAIRS:
        raise ApiError(400, f"Unsupported glossary language pair {pair[0]}->{pair[1]}.")
    return pair, _parse_entries(spec.get("entries"), spec.get("entries_format", "tsv"))


def _pair_param(params: dict[str, Any]) -> tuple[str, str]:
    source, target = params.get("source_lang"), params.get("target_lang")
    if not source or not target:
        raise ApiError(400, "Parameters 'source_lang' and 'target_lang' are required.")
    return str(source).upper(), str(target).upper()


def _parse_entries(text: Any, entries_format: Any) -> dict[str, str]:
    if entries_format not in ("tsv", "csv"):
        raise ApiError(400, "Value for 'entries_format' not supported.")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Parameter 'entries' not specified.")
    lines = text.splitlines()
    rows = (
        csv.reader(io.StringIO(text))
        if entries_format == "csv"
        else (line.split("\t") for line in lines)
    )
    entries: dict[str, str] = {}
    for number, row in enumerate(rows, 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) not in ((2, 4) if entries_format == "csv" else (2,)):
            raise ApiError(400, f"Invalid glossary entry in line {number}.")
        source, target = row[0].strip(), row[1].strip()
        if not source or not target or source in entries:
            raise ApiError(400, f"Empty or duplicate glossary entry in line {number}.")
        entries[source] = target
    return entries


def _dictionary_info(pair: tuple[str, str], entries: dict[str, str]) -> dict[str, Any]:
    return {
        "source_lang": pair[0].lower(),
        "target_lang": pair[1].lower(),
        "entry_count": len(entries),
    }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _injected(
    status: int | str, message: str | None = None
) -> tuple[int | None, dict[str, str] | None]:
    if not isinstance(status, int):
        return None, None
    if message is not None:
        return status, {"message": message}
    messages = {403: AUTH_FAILURE, 429: "Too many requests", 456: "Quota exceeded"}
    try:
        default = HTTPStatus(status).phrase
    except ValueError:
        default = "Error"
    return status, {"message": messages.get(status, default)}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    api: DeepLServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as with DeepL
    disable_nagle_algorithm = True  # headers and body are two writes
    timeout = 60
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.api._lock:
            self.server.api._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.api._lock:
            self.server.api._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.server.api._answer(self.command, self.path, self.headers, body)
        if reply is None:
            self.close_connection = True
            return
        status, payload = reply
        self.send_response(status)
        if status == 204:
            self.end_headers()
            return
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


@contextmanager
def fast_retries(
    backoff: float = 0.01, retries: int | None = None, timeout: float | None = None
) -> Iterator[None]:
    """Shorten the deepl client's first backoff (and optionally retries and timeout) inside."""
    from deepl import http_client

    # The initial backoff has no public setting; the other two are documented globals.
    timer = http_client._BackoffTimer
    saved = (
        timer.BACKOFF_INITIAL,
        http_client.max_network_retries,
        http_client.min_connection_timeout,
    )
    timer.BACKOFF_INITIAL = backoff
    if retries is not None:
        http_client.max_network_retries = retries
    if timeout is not None:
        http_client.min_connection_timeout = timeout
    try:
        yield
    finally:
        (
            timer.BACKOFF_INITIAL,
            http_client.max_network_retries,
            http_client.min_connection_timeout,
        ) = saved


def serve_deepl() -> Iterator[DeepLServer]:
    """Yield a running server for TEST_KEY; wrap with pytest.fixture to use it as a fixture."""
    with DeepLServer(TEST_KEY) as server:
        yield server


def main(argv: list[str] | None = None) -> int:
    """Serve on the given port until Ctrl-C, logging one line per request."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.deepl_server", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--port", type=int, default=8123, help="port on 127.0.0.1 (0: any free one)"
    )
    parser.add_argument(
        "--key", default=TEST_KEY, help=f"the accepted auth key (default {TEST_KEY})"
    )
    parser.add_argument("--character-limit", type=int, default=500_000)
    args = parser.parse_args(argv)
    with DeepLServer(args.key, port=args.port, character_limit=args.character_limit) as server:
        server.on_request = lambda r: print(
            f"{r.method} {r.path} -> {r.status} texts={len(r.texts)} billed={r.billed_characters}",
            flush=True,
        )
        print(f"DeepL test server at {server.url} (key {args.key!r}); Ctrl-C stops it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
