"""A first draft of a Leichte Sprache text from DeepL Write, for a human writer to rework.

DeepL Write (`rephrase_text`, writing style "simple") makes German plainer; it does not write
Leichte Sprache. The draft goes to drafts/, never into source/: a writer rewrites it to the
rules (`lint-easy`) and test readers check it before anything is published.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline import atomic
from pipeline.config import Publication
from pipeline.errors import PipelineError
from pipeline.mt.client import Client, rephrase_simple
from pipeline.mt.translate import batches
from pipeline.segments import to_markup, units
from pipeline.source import load_document
from pipeline.terms import plain

DRAFT = Path("drafts") / "leichte-sprache-entwurf.md"
MAX_WRITE_BODY = 10 * 1024  # DeepL Write's limit on the request body


@dataclass(frozen=True)
class DraftResult:
    """What draft-easy wrote and what it cost."""

    path: Path
    paragraphs: int
    requests: int
    characters: int


def draft_easy(
    publication: Publication, client: Client, target: Path, replace: bool = False
) -> DraftResult:
    """Rephrase every paragraph of the German source simply; write the draft to `target`.

    The draft never goes where published text or reviewed work lives, and never replaces a
    draft a writer may be working on unless `replace` is given.
    """
    protected = [publication.root / name for name in ("source", "translations", "glossary")]
    published = {p.resolve() for e in publication.editions for p in e.sources}
    published |= {p.resolve() for p in publication.sources}
    where = target.resolve()
    if where in published or any(d.resolve() in where.parents for d in protected):
        raise PipelineError(
            "a draft never goes into source/, translations/ or glossary/; write it to drafts/",
            target,
        )
    if target.exists() and not replace:
        raise PipelineError("a draft is already there; rename it or pass --replace", target)
    document = load_document(publication)
    blocks = [(u.kind, plain(to_markup(u.inlines))) for u in units(document.ast["blocks"])]
    texts = [text for kind, text in blocks if kind != "heading" and text.strip()]
    simple: dict[str, str] = {}
    requests = 0
    for batch in batches(list(dict.fromkeys(texts)), {"target_lang": "DE"}, MAX_WRITE_BODY):
        simple.update(zip(batch, rephrase_simple(client, batch), strict=True))
        requests += 1
    lines = [_header(publication)]
    for kind, text in blocks:
        if kind == "heading":
            lines.append(f"# {text}")
        elif text.strip():
            # One sentence per line, as the Leichte Sprache source wants it.
            lines.append("\n".join(re.split(r"(?<=[.!?])\s+", simple[text].strip())))
    atomic.write_text(target, "\n\n".join(lines) + "\n")
    return DraftResult(target, len(texts), requests, sum(len(t) for t in simple))


def _header(publication: Publication) -> str:
    sources = ", ".join(p.relative_to(publication.root).as_posix() for p in publication.sources)
    return (
        f"<!-- Entwurf von DeepL Write (Stil: simple) aus {sources}, "
        f"{dt.date.today().isoformat()}.\n"
        "     Das ist noch keine Leichte Sprache: Eine Schreiberin oder ein Schreiber "
        "überarbeitet den Text\n"
        "     nach den Regeln (python -m pipeline lint-easy). Dieser Entwurf wird nie "
        "veröffentlicht. -->"
    )
