"""output/report.html: the data of report.json as a page the city office can read.

Charts are inline SVG drawn here and in templates/report.html, each with a title, a
description, a text summary and a data table of the same numbers; the bars differ in
pattern as well as colour (Okabe-Ito), and carry their numbers. No script, no font or image
from anywhere: the page works offline and prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from pipeline.i18n import (
    UiText,
    format_list,
    language_name,
    long_date,
    percent,
    text_direction,
)
from pipeline.render.html import STATEMENT, environment
from pipeline.render.hyphenate import hyphenate_text
from pipeline.report import LOCALE, say
from pipeline.review import STATUSES

# Every checker, and the kinds of file it judges.
CHECKERS = {
    "axe": ("axe-core", ("html",)),
    "reflow": ("320 px", ("html",)),
    "languages": ("lang", ("html",)),
    "pdfua": ("PDF/UA", ("pdf",)),
    "verapdf": ("veraPDF", ("pdf",)),
    "epubcheck": ("EPUBCheck", ("epub",)),
    "ace": ("Ace", ("epub",)),
}
STATUS_LABELS = {
    "approved": "approved",
    "draft": "draft",
    "stale": "stale",
    "missing": "missing",
}
_ORDER = ("approved", "draft", "stale", "missing")  # left to right in a bar
_BAR = (170, 400)  # where the bars start, and their full width, in the chart's units


def render(data: dict[str, Any], lang: str) -> str:
    """Render the report page for `data` (report.json's content) in `lang`."""
    env = environment(lang, LOCALE)
    # Soft hyphens in a long heading word, so that 320 px breaks it with a hyphen; the
    # heading keeps its language mark.
    env.filters["shy"] = lambda text: _shy(text, lang)
    editions = data.get("editions", {})
    return env.get_template("report.html").render(
        lang=lang,
        dir=text_direction(lang),
        checked="checked_at" in data,
        publication=data.get("publication", {"title": "", "publisher": ""}),
        source_lang=data.get("source_language", "de"),
        checked_on=_date(data, lang),
        readiness=[_readiness(e, editions[e], data, lang) for e in editions],
        chart=_chart(data, lang),
        checkers=[(key, name) for key, (name, _) in CHECKERS.items()],
        conformance=_conformance(data),
        findings=[{**f, "anchor": f"finding-{i}"} for i, f in enumerate(data["findings"], 1)],
        terminology=_terminology(data),
        easy=_easy(data, lang),
        history=_history(data, lang),
    )


def _shy(text: UiText, lang: str) -> UiText:
    marked = UiText(hyphenate_text(str(text), text.lang or lang))
    marked.lang = text.lang
    return marked


def _date(data: dict[str, Any], lang: str) -> str:
    try:
        return long_date(dt.date.fromisoformat(str(data["checked_at"])[:10]), lang)
    except (KeyError, ValueError):
        return ""


def _name(edition: str, known: dict[str, Any]) -> Markup:
    """Name an edition in its own language, marked with it: "<span lang=ar>…</span> (ar)"."""
    native = known.get("name") or language_name(known["lang"])
    lang = known["lang"]
    return Markup('<span lang="{}" dir="{}">{}</span> ({})').format(
        lang, text_direction(lang), native, edition
    )


def _readiness(edition: str, known: dict[str, Any], data: dict[str, Any], lang: str) -> dict:
    """One sentence: final, a draft and why, or failing and which checkers."""
    judged = data.get("release", {}).get(edition, {"state": "draft", "findings": {}})
    name = _name(edition, known)
    if judged["state"] == "failing":
        counts = judged["findings"]
        which = format_list([f"{CHECKERS.get(c, (c,))[0]} ({n})" for c, n in counts.items()], lang)
        sentence = say(
            "Failing: the checkers report findings ({checkers}; {count} in all).",
            lang,
            count=sum(counts.values()),
            checkers=which,
        )
    elif judged["state"] == "draft":
        reasons = [_reason(r, lang) for r in known["draft_reasons"]]
        sentence = say(
            "Published as a draft: {reasons}.",
            lang,
            reasons=format_list(reasons, lang),
        )
    else:
        sentence = say("Ready to release: its text is final and every checker passed.", lang)
    return {
        "id": edition,
        "name": name,
        "state": judged["state"],
        "sentence": sentence,
        "statement": f"{edition}/{STATEMENT}",
    }


def _reason(reason: dict[str, Any], lang: str) -> str:
    if reason["reason"] == "review":
        return say(
            "{left} of {total} segments still need a reviewer's approval",
            lang,
            left=reason["left"],
            total=reason["total"],
        )
    if reason["reason"] == "test-readers":
        return say("test readers have not yet checked it", lang)
    missing: list[str] = [say(MISSING.get(key, key), lang) for key in reason.get("missing", [])]
    return say(
        "its accessibility statement does not yet name {missing}",
        lang,
        missing=format_list(missing, lang),
    )


MISSING = {  # what a final edition's statement needs (pipeline.config.STATEMENT_REQUIRED)
    "email": "an e-mail address for reports of barriers",
    "enforcement_body": "the enforcement body",
    "enforcement_url": "the enforcement body's web address",
}


def _chart(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """Lay out one stacked bar per translated edition: missing, draft, stale, approved."""
    rows = []
    editions = data.get("editions", {})
    for index, (edition, numbers) in enumerate(data.get("review", {}).items()):
        known = editions.get(edition, {"lang": edition, "name": ""})
        total = int(numbers["total"]) or 1
        x, parts = float(_BAR[0]), []
        for status in _ORDER:
            count = int(numbers[status])
            width = _BAR[1] * count / total
            label = say(STATUS_LABELS[status], lang)
            parts.append(
                {
                    "status": status,
                    "count": count,
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "label": label,
                }
            )
            x += width
        summary = say(
            "{approved} of {total} segments approved, {draft} drafts, {stale} stale,"
            " {missing} missing ({share}).",
            lang,
            share=percent(float(numbers["approved_share"]), lang),
            **{s: numbers[s] for s in STATUSES},
            total=numbers["total"],
        )
        rows.append(
            {
                "id": edition,
                "name": _name(edition, known),
                "lang": known["lang"],
                "y": 10 + index * 40,
                "parts": parts,
                "numbers": numbers,
                "summary": summary,
            }
        )
    legend = [(s, say(STATUS_LABELS[s], lang)) for s in _ORDER]
    return {"rows": rows, "height": 30 + 40 * len(rows), "bar": _BAR, "legend": legend}


def _conformance(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Count the findings per edition and checker; a checker that judges none of an
    edition's files has no cell."""
    rows = []
    files = data["files"]
    groups = sorted({str(f["path"]).split("/")[0] if "/" in str(f["path"]) else "" for f in files})
    for group in groups:
        mine = [
            f
            for f in files
            if (str(f["path"]).split("/")[0] if "/" in str(f["path"]) else "") == group
        ]
        kinds = {f["kind"] for f in mine}
        cells: list[dict[str, object] | None] = []
        for checker, (_, judged) in CHECKERS.items():
            if not kinds & set(judged):
                cells.append(None)
                continue
            found = [
                i
                for i, f in enumerate(data["findings"], 1)
                if f["checker"] == checker and any(f["path"] == m["path"] for m in mine)
            ]
            cells.append({"count": len(found), "first": f"finding-{found[0]}" if found else ""})
        rows.append({"group": group or "index.html", "cells": cells})
    return rows


def _terminology(data: dict[str, Any]) -> dict[str, Any] | None:
    terms = data.get("terminology")
    if not terms:
        return None
    editions = []
    for edition, found in terms.get("editions", {}).items():
        known = data.get("editions", {}).get(edition, {"lang": edition, "name": ""})
        editions.append({"id": edition, "name": _name(edition, known), **found})
    return {"source": terms.get("forbidden_in_source", []), "editions": editions}


def _easy(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    found = []
    for edition, easy in data.get("easy", {}).items():
        known = data["editions"][edition]
        readers = known["test_readers"]
        if readers["by"]:
            when = long_date(dt.date.fromisoformat(readers["on"]), lang)
            said = say(
                "Test readers ({group}) checked this text on {date}.",
                lang,
                group=readers["by"],
                date=when,
            )
        else:
            said = say("Test readers have not checked this text yet: still to come.", lang)
        found.append(
            {
                "id": edition,
                "name": _name(edition, known),
                "readers": said,
                "readability": (data.get("readability") or {}).get(edition, []),
                **easy,
            }
        )
    return found


def _history(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The check time per edition, and the approved share of each earlier check."""
    release = data.get("release", {})
    editions = list(data.get("review", {}))
    rows = []
    for entry in data.get("history", []):
        try:
            date = long_date(dt.date.fromisoformat(str(entry["checked_at"])[:10]), lang)
        except (KeyError, TypeError, ValueError):  # report.history keeps only whole entries
            continue
        shares = entry.get("approved_share", {})
        rows.append(
            {
                "date": date,
                "shares": [
                    percent(float(shares[e]), lang) if e in shares else "–" for e in editions
                ],
            }
        )
    seconds = [(e, j.get("build_seconds"), j.get("check_seconds", 0)) for e, j in release.items()]
    return {"editions": editions, "rows": rows, "seconds": seconds}
