"""Machine drafts from DeepL: batched, bound to the glossary, remembered, saved as they arrive.

`translate` fills the missing and stale segments of translated editions with DeepL drafts,
marked "origin: machine". Approved segments and every other draft are left alone. A stale
draft keeps its previous text as a comment, so the reviewer sees what was there; a stale
approved translation stays, with the machine draft beside it as a suggestion.

Nothing is paid for twice: a translation memory (translations/memory/<TARGET>.jsonl) keeps
every text DeepL returned, keyed by the German text, the target language and the options
that change a translation (formality, glossary version, tag handling). Identical German is
sent once across all catalogs, and a re-run after no change sends nothing. The memory and
the catalog are written atomically after every request, so a quota stop or a kill loses at
most the request in flight.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import deepl
from babel.messages.catalog import Catalog, Message

from pipeline import comments, history
from pipeline.catalogs import (
    catalog_path,
    current_catalog,
    template,
    translated_editions,
    write_catalog,
)
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError
from pipeline.locks import catalog_lock
from pipeline.mt.client import call_deepl, deepl_target, glossary_missing
from pipeline.mt.glossary import bound_glossaries
from pipeline.mt.memory import Draft, Memory, Options
from pipeline.review import machine_comment, status
from pipeline.segments import same_markup
from pipeline.terms import plain

MAX_TEXTS = 50  # DeepL's limit per request
MAX_BODY = 128 * 1024  # DeepL's limit on the request body, in bytes of encoded JSON
_BODY_RESERVE = 1024  # room for the parameters the client adds
MAX_CONTEXT = 1000  # characters of neighbouring German sent as (unbilled) context


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


def translate(
    publication: Publication,
    edition_ids: list[str] | None,
    client: deepl.DeepLClient | None,
    report: Callable[[Progress], None] = lambda progress: None,
) -> list[Progress]:
    """Fill missing and stale segments with machine drafts; without a client, only estimate.

    `edition_ids` None means every translated edition. Returns one Progress per edition.
    """
    with ExitStack() as locks:
        if client is not None:  # held from reading each catalog to its last write
            for edition in translated_editions(publication):
                if edition_ids is None or edition.id in edition_ids:
                    locks.enter_context(catalog_lock(catalog_path(publication, edition)))
        return _translate(publication, edition_ids, client, report)


def _translate(
    publication: Publication,
    edition_ids: list[str] | None,
    client: deepl.DeepLClient | None,
    report: Callable[[Progress], None],
) -> list[Progress]:
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


def _jobs(
    publication: Publication, edition_ids: list[str] | None, check_glossary: bool
) -> Iterator[_Job]:
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
        todo = [m for m in catalog if m.id and _needs_draft(m) and _has_text(m)]
        yield _Job(edition, path, catalog, options, todo)


def _unique(messages: list[Message]) -> list[str]:
    return list(dict.fromkeys(str(m.id) for m in messages))


def _use_memory(job: _Job, memory: Memory, progress: Progress) -> list[Message]:
    """Fill what the memory already has; return the messages that still need DeepL."""
    pending, filled = [], []
    for message in job.todo:
        draft = memory.get(job.options, str(message.id))
        if draft is None:
            pending.append(message)
            continue
        _apply(message, draft)
        filled.append(message)
        progress.done += 1
        progress.remembered += 1
        progress.lost_markup += not draft.markup_ok
    if progress.remembered:
        _save(job, filled, "from the translation memory")
    return pending


def _save(job: _Job, filled: list[Message], detail: str) -> None:
    """Write the catalog, then note the new machine drafts in the edition's history."""
    write_catalog(job.catalog, job.path)
    root = job.path.parent.parent
    events = [
        history.event("machine draft", comments.source_hash(m), "DeepL", detail)
        for m in filled
        if comments.first(m, comments.ORIGIN) or comments.texts(m, comments.SUGGESTION)
    ]
    history.append(history.history_path(root, job.edition.id), events)


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
        filled = []
        for draft in drafts:
            memory.add(job.options, draft)
            for message in by_source[draft.source]:
                _apply(message, draft)
                filled.append(message)
                progress.done += 1
                progress.lost_markup += not draft.markup_ok
        # Memory first: if we die between the two writes, the next run pays nothing again.
        memory.save(job.options.target)
        _save(job, filled, f"{job.options.target}, {billed} characters billed for the request")
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
            if options.glossary_id and glossary_missing(exc):
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


def _has_text(message: Message) -> bool:
    """Tell whether a segment has words to translate; one that is only a tag is never sent."""
    return any(c.isalnum() for c in plain(str(message.id)))


def _needs_draft(message: Message) -> bool:
    """Tell whether an entry needs a machine draft: missing, or stale without a suggestion."""
    current = status(message)
    return current == "missing" or (
        current == "stale" and not comments.texts(message, comments.SUGGESTION)
    )


def _apply(message: Message, draft: Draft) -> None:
    """Put a machine draft into a catalog entry; beside an approved translation, suggest it.

    A stale entry that holds an approved translation keeps it: the draft becomes a
    suggestion, and the reviewer keeps the old translation, takes the suggestion or edits.
    A stale draft is replaced, and its old text kept as a comment.
    """
    ours = (comments.ORIGIN, comments.LOST_MARKUP, comments.PREVIOUS_TRANSLATION)
    if not draft.markup_ok:
        message.user_comments = [
            *comments.without(message, *ours),
            f"{comments.LOST_MARKUP}{draft.text}",
        ]
        return
    if message.string and comments.first(message, comments.APPROVED):
        kept = comments.without(message, comments.SUGGESTION, comments.LOST_MARKUP)
        message.user_comments = [*kept, f"{comments.SUGGESTION}{draft.text}"]
        return
    kept = comments.without(message, *ours)
    if message.string:  # a stale draft: the reviewer compares the old text with the new
        kept.append(f"{comments.PREVIOUS_TRANSLATION}{message.string}")
    message.string = draft.text
    message.user_comments = [*kept, machine_comment(draft.text)]
    message.flags.discard("fuzzy")
