"""Readability hints per section for German editions: Flesch (Amstad) and Wiener Sachtextformel.

Formulas count sentences, words and syllables; they cannot say whether a text is easy to
understand. The report lists them as hints beside the linter and the test readers.
"""

from __future__ import annotations

from typing import Any

import textstat

from pipeline.config import Publication
from pipeline.segments import to_markup, units
from pipeline.source import Document, load_document, stringify
from pipeline.terms import plain


def readability(publication: Publication) -> dict[str, list[dict[str, Any]]]:
    """Return, per German edition, each top-level section's scores."""
    textstat.set_lang("de")  # Flesch with Amstad's German constants
    scores = {}
    for edition in publication.editions:
        if edition.lang.split("-")[0] != "de":
            continue
        document = load_document(publication, edition.sources)
        scores[edition.id] = [
            {
                "section": title,
                "words": textstat.lexicon_count(text),
                "flesch_amstad": round(textstat.flesch_reading_ease(text), 1),
                "wiener_sachtextformel": round(textstat.wiener_sachtextformel(text, 1), 1),
            }
            for title, text in sections(document)
            if text.strip()
        ]
    return scores


def sections(document: Document) -> list[tuple[str, str]]:
    """Split the text at its top-level headings: (heading, plain text of the section)."""
    blocks = document.ast["blocks"]
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    top = min(levels, default=0)
    result: list[tuple[str, list[Any]]] = [("", [])]
    for block in blocks:
        if block["t"] == "Header" and block["c"][0] == top:
            result.append((stringify(block["c"][2]), []))
        else:
            result[-1][1].append(block)
    return [
        (title, " ".join(_sentence(plain(to_markup(u.inlines))) for u in units(body)))
        for title, body in result
        if title or body
    ]


def _sentence(text: str) -> str:
    # A list item or a heading without a full stop would run into the next sentence.
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?:" else f"{text}."
