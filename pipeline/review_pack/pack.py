"""Make a review pack: one offline HTML file with an edition's segments for one reviewer.

The pack holds everything inline (the CSS, the fonts subset to its text, the segments as
JSON and one script) and loads nothing: its Content-Security-Policy allows only its own
script and style, and fonts from data: URLs. The catalog's text is untrusted: it travels as
JSON with every character that could end the script element escaped, and the script puts
it into the page as text only. The project keeps a record of the pack (records.py); the
pack itself carries no key, no path and nothing else of the editor's machine.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline import atomic
from pipeline.comments import now, stamp
from pipeline.config import Publication
from pipeline.errors import PipelineError
from pipeline.glossary import Termbase, load_termbase
from pipeline.i18n import language_name, text_direction
from pipeline.review import STATUSES
from pipeline.review_pack import records
from pipeline.review_pack.fonts import font_faces
from pipeline.review_pack.reviewfile import FORMAT as REVIEW_FORMAT
from pipeline.review_pack.strings import interface, interface_language
from pipeline.segment_view import SegmentView, german_pieces, queue, views
from pipeline.store import EditionCatalog, edition
from pipeline.terms import SegmentChecker

HERE = Path(__file__).parent
# Characters that could close the script element or break a JavaScript string.
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "/": "\\/",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@dataclass(frozen=True)
class PackResult:
    """What make_pack wrote."""

    path: Path
    segments: int
    pack: str  # the pack's id
    record: Path  # the project's record of it


def make_pack(
    publication: Publication,
    edition_id: str,
    statuses: list[str],
    reviewer: str,
    output: Path | None,
) -> PackResult:
    """Write a review pack of the edition's segments with the given statuses."""
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown or not statuses:
        raise PipelineError(
            f"--segments: unknown status {', '.join(unknown) or '(none given)'}; "
            f"use some of {', '.join(STATUSES)}"
        )
    store = EditionCatalog(publication, edition(publication, edition_id))
    termbase = load_termbase(publication)
    checker = SegmentChecker(termbase, store.edition.lang) if termbase else None
    chosen = [v for v in queue(views(store.snapshot(), checker)) if v.status in statuses]
    if not chosen:
        raise PipelineError(
            f"no segment of {edition_id} is {' or '.join(statuses)}: there is nothing to "
            "review; choose other statuses with --segments",
            store.path,
        )
    pack, when = secrets.token_hex(16), now()
    target = output or Path.cwd() / f"review-pack-{edition_id}-{when:%Y%m%d}.html"
    html = render_page(
        publication, store.edition.lang, edition_id, pack, reviewer, when, chosen, termbase
    )
    record = records.PackRecord(
        pack=pack,
        publication=publication.slug,
        edition=edition_id,
        created=stamp(when),
        reviewer=reviewer,
        statuses=list(statuses),
        segments={
            v.id: records.PackSegment(v.version, v.status, v.german, v.translation) for v in chosen
        },
    )
    record_file = records.write(publication.root, record)
    atomic.write_text(target, html)
    return PackResult(target, len(chosen), pack, record_file)


def render_page(
    publication: Publication,
    lang: str,
    edition_id: str,
    pack: str,
    reviewer: str,
    when: dt.datetime,
    chosen: list[SegmentView],
    termbase: Termbase | None = None,
) -> str:
    """Return the pack's HTML."""
    name = language_name(lang)
    strings, ui_dir = interface(
        lang, {"edition": name, "publication": publication.title, "count": len(chosen)}
    )
    data = {
        "pack": pack,
        "review_format": REVIEW_FORMAT,
        "publication": {"slug": publication.slug, "title": publication.title},
        "edition": edition_id,
        "lang": lang,
        "dir": text_direction(lang),
        "language": name,
        "reviewer": reviewer,
        "created": stamp(when),
        "four_eyes": publication.policies.four_eyes,
        "strings": strings,
    } | _segments(chosen, termbase)
    payload = script_json(data)
    style = font_faces(payload + "".join(strings.values())) + "\n" + _read("pack.css")
    script = _read("pack.js")
    if "</" in script or "</" in style:
        raise PipelineError("the pack's script or style may not contain '</'", HERE)
    template = _environment().get_template("template.html")
    return template.render(
        ui_lang=interface_language(lang),
        ui_dir=ui_dir,
        s=strings,
        csp=_policy(script, style),
        style=Markup(style),
        script=Markup(script),
        data=Markup(payload),
    )


def script_json(data: Any) -> str:
    """Return JSON that is safe inside a script element: nothing in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_JSON_ESCAPES.get(c, c) for c in text)


def _segments(chosen: list[SegmentView], termbase: Termbase | None) -> dict[str, Any]:
    """Return the segments as compact JSON: empty fields left out, headings and terms shared.

    A neighbour's German that the pack holds anyway is left for the script to take from it.
    """
    indexes = {v.index for v in chosen}
    headings: dict[str, int] = {}
    glossary: dict[tuple[str, str], int] = {}
    items = []
    for v in chosen:
        item: dict[str, Any] = {"id": v.id, "version": v.version, "index": v.index}
        item["pieces"] = [
            [p.text, glossary.setdefault((p.term, p.definition), len(glossary))]
            if p.term
            else p.text
            for p in german_pieces(v.german, termbase)
        ]
        if v.heading:
            item["heading"] = headings.setdefault(v.heading, len(headings))
        if v.index - 1 not in indexes:
            item["before"] = v.before
        if v.index + 1 not in indexes:
            item["after"] = v.after
        item |= {k: value for k, value in _fields(v).items() if value}
        items.append(item)
    return {"segments": items, "headings": list(headings), "glossary": [list(g) for g in glossary]}


def _fields(v: SegmentView) -> dict[str, Any]:
    return {
        "kind": v.kind,
        "status": v.status,
        "translation": v.translation,
        "origin": v.origin,
        "author": v.author,
        "approved_by": v.approved_by,
        "approved_at": v.approved_at,
        "kept": list(v.kept),
        "sent_back": v.sent_back,
        "suggestion": v.suggestion,
        "diff": [list(run) for run in v.diff],
        "previous_translation": v.previous_translation,
        "findings": list(v.findings),
        "notes": list(v.notes),
    }


def _policy(script: str, style: str) -> str:
    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    return (
        f"default-src 'none'; script-src 'sha256-{digest(script)}'; "
        f"style-src 'sha256-{digest(style)}'; font-src data:; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _read(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )
