"""Machine drafts from DeepL: batched, bound to the glossary, remembered, saved as they arrive.

`translate` fills the missing and stale segments of translated editions with DeepL drafts,
marked "origin: machine". Approved segments and every other draft are left alone. A stale
segment keeps its previous translation as a comment, so the reviewer sees what was there.

Nothing is paid for twice: a translation memory (translations/memory/<TARGET>.jsonl) keeps
every text DeepL returned, keyed by the German text, the target language and the options
that change a translation (formality, glossary version, tag handling). Identical German is
sent once across all catalogs, and a re-run after no change sends nothing. The memory and
the catalog are written atomically after every request, so a quota stop or a kill loses at
most the request in flight.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import deepl
from babel.messages.catalog import Catalog, Message

from pipeline import atomic
from pipeline.catalogs import (
    catalog_path,
    current_catalog,
    template,
    translated_editions,
    write_catalog,
)
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError, read_utf8
from pipeline.review import machine_comment, status

T = TypeVar("T")

MAX_TEXTS = 50  # DeepL's limit per request
MAX_BODY = 128 * 1024  # DeepL's limit on the request body, in bytes of encoded JSON
_BODY_RESERVE = 1024  # room for the parameters the client adds
MAX_CONTEXT = 1000  # characters of neighbouring German sent as (unbilled) context
_TARGETS = {"en": "EN-GB", "pt": "PT-PT", "zh": "ZH-HANS"}  # DeepL rejects bare EN and PT
_LOST = "machine draft lost its markup, not used: "
_PREVIOUS = "previous translation: "
_OURS = ("origin: machine", _LOST, _PREVIOUS)  # the comments this module writes


class QuotaExceeded(PipelineError):
    """DeepL stopped translating because the account's character quota is used up."""


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


@dataclass
class Progress:
    """How far one edition's translation has come."""

    edition: str
    total: int  # segments to fill in this run
    done: int = 0
    billed: int = 0  # characters DeepL billed
    requests: int = 0
    remembered: int = 0  # segments filled from the memory, without a request
    lost_markup: int = 0  # drafts not used because their markup did not survive
    estimate: int = 0  # characters that would be billed (dry run)


@dataclass
class _Job:
    """One edition's catalog and the segments of it that need a machine draft."""

    edition: Edition
    path: Path
    catalog: Catalog
    options: Options
    todo: list[Message] = field(default_factory=list)


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


def translate(
    publication: Publication,
    edition_ids: list[str] | None,
    client: deepl.DeepLClient | None,
    report: Callable[[Progress], None] = lambda progress: None,
) -> list[Progress]:
    """Fill missing and stale segments with machine drafts; without a client, only estimate.

    `edition_ids` None means every translated edition. Returns one Progress per edition.
    """
    memory = Memory(publication.root / "translations" / "memory")
    results = []
    estimated: set[str] = set()  # memory keys already counted by this dry run
    for job in list(_jobs(publication, edition_ids, check_glossary=client is not None)):
        progress = Progress(job.edition.id, total=len(job.todo))
        results.append(progress)
        if client is None:
            pending = [m for m in job.todo if memory.get(job.options, str(m.id)) is None]
            # Identical German for another edition with the same target is sent only once.
            new = [s for s in _unique(pending) if job.options.key(s) not in estimated]
            estimated.update(job.options.key(s) for s in new)
            progress.estimate = sum(len(source) for source in new)
            report(progress)
            continue
        pending = _use_memory(job, memory, progress)
        report(progress)
        _request_all(client, job, memory, pending, progress, report)
    return results


def usage_left(client: deepl.DeepLClient) -> int | None:
    """Return the characters left in the account's quota, None if it has no limit."""
    usage = call_deepl(client, client.get_usage).character
    return None if usage.limit is None else max(usage.limit - (usage.count or 0), 0)


def _jobs(
    publication: Publication, edition_ids: list[str] | None, check_glossary: bool
) -> Iterator[_Job]:
    from pipeline.deepl_glossary import bound_glossaries  # which imports this module

    editions = translated_editions(publication)
    pot = template(publication)
    known = {edition.id for edition in editions}
    for edition_id in edition_ids or []:
        if edition_id not in known:
            raise PipelineError(
                f"no translated edition '{edition_id}' in the config "
                f"(there are: {', '.join(sorted(known)) or 'none'})",
                publication.config_path,
            )
    chosen = [e for e in editions if edition_ids is None or e.id in edition_ids]
    glossaries = bound_glossaries(publication, chosen, check=check_glossary)
    for edition in chosen:
        # The catalog as `catalogs` would make it: edited German is stale, new German missing.
        catalog = current_catalog(publication, edition, pot)
        path = catalog_path(publication, edition)
        glossary_id, version = glossaries.get(edition.id, (None, ""))
        options = Options(deepl_target(edition), edition.formality, glossary_id, version)
        todo = [m for m in catalog if m.id and status(m) in ("missing", "stale")]
        yield _Job(edition, path, catalog, options, todo)


def _unique(messages: list[Message]) -> list[str]:
    return list(dict.fromkeys(str(m.id) for m in messages))


def _use_memory(job: _Job, memory: Memory, progress: Progress) -> list[Message]:
    """Fill what the memory already has; return the messages that still need DeepL."""
    pending = []
    for message in job.todo:
        draft = memory.get(job.options, str(message.id))
        if draft is None:
            pending.append(message)
            continue
        _apply(message, draft)
        progress.done += 1
        progress.remembered += 1
        progress.lost_markup += not draft.markup_ok
    if progress.remembered:
        write_catalog(job.catalog, job.path)
    return pending


def _request_all(
    client: deepl.DeepLClient,
    job: _Job,
    memory: Memory,
    pending: list[Message],
    progress: Progress,
    report: Callable[[Progress], None],
) -> None:
    by_source: dict[str, list[Message]] = {}
    for message in pending:
        by_source.setdefault(str(message.id), []).append(message)
    neighbours = [str(m.id) for m in job.catalog if m.id]
    for batch in batches(list(by_source), _parameters(job.options, "")):
        context = _context(neighbours, batch)
        drafts, billed = _request(client, job.options, batch, context)
        for draft in drafts:
            memory.add(job.options, draft)
            for message in by_source[draft.source]:
                _apply(message, draft)
                progress.done += 1
                progress.lost_markup += not draft.markup_ok
        # Memory first: if we die between the two writes, the next run pays nothing again.
        memory.save(job.options.target)
        write_catalog(job.catalog, job.path)
        progress.billed += billed
        progress.requests += 1
        report(progress)


def batches(
    texts: list[str], parameters: dict[str, object], max_body: int = MAX_BODY
) -> Iterator[list[str]]:
    """Split texts into requests of at most 50 texts and under 128 KiB (`max_body`) of JSON."""
    batch: list[str] = []
    for text in texts:
        candidate = [*batch, text]
        if batch and (len(candidate) > MAX_TEXTS or _body_size(candidate, parameters) > max_body):
            yield batch
            candidate = [text]
        if _body_size(candidate, parameters) > max_body:
            raise PipelineError(
                f"a segment of {len(text)} characters is too long for one DeepL request; "
                f"split the paragraph that starts {text[:40]!r}"
            )
        batch = candidate
    if batch:
        yield batch


def _body_size(texts: list[str], parameters: dict[str, object]) -> int:
    # The client sends JSON with non-ASCII escaped, as json.dumps does by default.
    return len(json.dumps({**parameters, "text": texts}).encode()) + _BODY_RESERVE


def _parameters(options: Options, context: str) -> dict[str, object]:
    parameters: dict[str, object] = {
        "source_lang": "DE",
        "target_lang": options.target,
        "formality": options.formality,
        "tag_handling": options.tag_handling,
        "ignore_tags": ["code"],
        "context": context or "\u00fc" * MAX_CONTEXT,  # the largest context, to size batches
    }
    if options.glossary_id:
        parameters["glossary_id"] = options.glossary_id
    return parameters


def _context(neighbours: list[str], batch: list[str]) -> str:
    """Return the German just before and after the batch: DeepL reads it but does not bill it."""
    first, last = neighbours.index(batch[0]), neighbours.index(batch[-1])
    before = neighbours[first - 1] if first > 0 else ""
    after = neighbours[last + 1] if last + 1 < len(neighbours) else ""
    half = MAX_CONTEXT // 2
    return f"{before[-half:]}\n{after[:half]}".strip()


def _request(
    client: deepl.DeepLClient,
    options: Options,
    batch: list[str],
    context: str,
) -> tuple[list[Draft], int]:
    def send() -> list[deepl.TextResult]:
        try:
            result = client.translate_text(
                batch,
                source_lang="DE",
                target_lang=options.target,
                formality=options.formality,
                tag_handling=options.tag_handling,
                ignore_tags=["code"],
                context=context or None,
                glossary=options.glossary_id,
            )
        except deepl.DeepLException as exc:
            if options.glossary_id and exc.http_status_code == 404:
                raise PipelineError(
                    f"DeepL has no glossary {options.glossary_id} any more; delete "
                    "glossary/deepl.json and run `python -m pipeline glossary sync` again"
                ) from None
            raise
        return result if isinstance(result, list) else [result]

    results = call_deepl(client, send)
    drafts = [
        Draft(source, result.text, same_markup(source, result.text))
        for source, result in zip(batch, results, strict=True)
    ]
    return drafts, sum(result.billed_characters for result in results)


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
        raise PipelineError(f"DeepL failed: {_first_line(exc)}; try again later") from None


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def same_markup(source: str, translation: str) -> bool:
    """Tell whether a translation has exactly the source's tags, with the same attributes."""
    try:
        return _tags(source) == _tags(translation)
    except ET.ParseError:
        return False


def _tags(markup: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    root = ET.fromstring(f"<s>{markup}</s>")
    return sorted((e.tag, tuple(sorted(e.attrib.items()))) for e in root.iter() if e is not root)


def _apply(message: Message, draft: Draft) -> None:
    """Put a machine draft into a catalog entry, keeping a stale entry's old translation."""
    comments = [c for c in message.user_comments if not c.startswith(_OURS)]
    if not draft.markup_ok:
        message.user_comments = [*comments, f"{_LOST}{draft.text}"]
        return
    if message.string:  # stale: the reviewer compares the old translation with the draft
        approvals = [c for c in comments if c.startswith("approved: ")]
        comments = [c for c in comments if c not in approvals]
        note = f" ({approvals[0]})" if approvals else ""
        comments.append(f"{_PREVIOUS}{message.string}{note}")
    message.string = draft.text
    message.user_comments = [*comments, machine_comment(draft.text)]
    message.flags.discard("fuzzy")
