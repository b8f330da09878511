"""The report for the city office: can each edition be released, and what is left to do.

`facts` gathers what decides a release besides the checkers (the review of each language,
the Leichte Sprache linter and test readers, the accessibility contact); `check` puts it
into output/report.json beside the findings, and `release` judges each edition from both.
`page` renders the same data as output/report.html: hand-written SVG charts with a
title, a description, a text summary and a data table each, no script, nothing fetched.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.checks.easy_gate import check_easy_sources, load_waivers
from pipeline.config import Publication
from pipeline.errors import PipelineError
from pipeline.i18n import UiText, language_name, ui_text
from pipeline.review import review_numbers

log = logging.getLogger(__name__)
PAGE = "report.html"
LOCALE = Path(__file__).parent / "report_locale"  # the report's own interface strings
HISTORY = "history.json"  # approved shares of earlier checks, in the project's .cache/
BUILD_TIMES = "build-times.json"  # seconds each artifact took when last rendered
_KEPT = 200  # checks of history kept


def facts(publication: Publication) -> dict[str, object]:
    """Return what decides each edition's release besides the checkers."""
    review = review_numbers(publication)
    policy = publication.policies.min_approved_share
    editions: dict[str, object] = {}
    for edition in publication.editions:
        reasons: list[dict[str, object]] = []
        numbers = review.get(edition.id)
        if numbers is not None:
            approved, total = int(numbers["approved"]), int(numbers["total"])  # type: ignore[call-overload]
            if total and approved / total < policy:  # as the build decides, unrounded
                reasons.append({"reason": "review", "left": total - approved, "total": total})
        if edition.style == "easy" and not edition.checked_by:
            reasons.append({"reason": "test-readers"})
        if missing := publication.accessibility.missing:
            reasons.append({"reason": "contact", "missing": list(missing)})
        editions[edition.id] = {
            "lang": edition.lang,
            "dir": edition.dir,
            "name": edition.name or language_name(edition.lang),
            "easy": edition.style == "easy",
            "test_readers": {
                "by": edition.checked_by,
                "on": edition.checked_on.isoformat() if edition.checked_on else None,
            },
            "draft_reasons": reasons,
        }
    return {
        "publication": {"title": publication.title, "publisher": publication.publisher},
        "source_language": publication.source_language,
        "review": review,
        "editions": editions,
        "easy": _easy(publication),
    }


def _easy(publication: Publication) -> dict[str, object]:
    """Return each Leichte Sprache edition's linter findings and the waivers it uses."""
    root = publication.root
    found: dict[str, object] = {}
    for edition in (e for e in publication.editions if e.style == "easy"):
        try:
            findings = check_easy_sources(root, edition.sources, edition.metadata)
            blocked = ""
        except PipelineError as exc:  # the build refuses it too; the report says why
            findings, blocked = [], exc.message.splitlines()[0]
        found[edition.id] = {
            "blocked": blocked,
            "findings": [
                {
                    "path": _relative(f.path, root),
                    "line": f.line,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                }
                for f in findings
            ],
            "waivers": [
                {"rule": w.rule, "text": w.text, "reason": w.reason} for w in load_waivers(root)
            ],
        }
    return found


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path


def release(data: dict[str, Any]) -> dict[str, dict[str, object]]:
    """Judge each edition: failing (a checker found something in its files), a draft (and
    why), or final."""
    judged: dict[str, dict[str, object]] = {}
    for edition, known in data.get("editions", {}).items():
        mine = [f for f in data["findings"] if str(f["path"]).startswith(f"{edition}/")]
        checkers = Counter(str(f["checker"]) for f in mine)
        state = "failing" if mine else "draft" if known["draft_reasons"] else "final"
        seconds = sum(
            float(f.get("seconds", 0))
            for f in data["files"]
            if str(f["path"]).startswith(f"{edition}/")
        )
        built = [
            t for name, t in data.get("build_seconds", {}).items() if name.startswith(f"{edition}/")
        ]
        judged[edition] = {
            "state": state,
            "findings": dict(sorted(checkers.items())),
            "build_seconds": round(sum(built), 2) if built else None,
            "check_seconds": round(seconds, 2),
        }
    return judged


def history(cache_root: Path | None, checked_at: str, review: Any) -> list[dict[str, object]]:
    """Return the approved shares of earlier checks (kept in .cache/) with this one's added,
    if they changed; `keep` writes it once the check has succeeded."""
    shares = {e: n["approved_share"] for e, n in review.items()}
    entry: dict[str, object] = {"checked_at": checked_at, "approved_share": shares}
    earlier: list[dict[str, object]] = []
    if cache_root is not None:
        try:
            data = json.loads((cache_root / HISTORY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = []
        earlier = [
            e
            for e in (data if isinstance(data, list) else [])
            if isinstance(e, dict)
            and isinstance(e.get("checked_at"), str)
            and isinstance(e.get("approved_share"), dict)
        ]
    if earlier and earlier[-1]["approved_share"] == shares:
        return earlier[-_KEPT:]
    return [*earlier, entry][-_KEPT:]


def keep(cache_root: Path | None, entries: list[dict[str, object]]) -> None:
    """Write the history into .cache/; a cache that cannot be written loses only it."""
    if cache_root is None:
        return
    path = cache_root / HISTORY
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, json.dumps(entries, indent=1))
    except OSError as exc:
        log.warning("cannot keep the report's history in %s (%s)", path, exc)


def keep_build_times(cache_root: Path | None, seconds: dict[str, float]) -> None:
    """Record how long each artifact took to render, in .cache/, for the report."""
    if cache_root is None or not seconds:
        return
    path = cache_root / BUILD_TIMES
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, json.dumps({**build_times(cache_root), **seconds}, indent=1))
    except OSError as exc:
        log.warning("cannot keep the build times in %s (%s)", path, exc)


def build_times(cache_root: Path | None) -> dict[str, float]:
    """Return the seconds each artifact took when it was last rendered."""
    try:
        data = json.loads((cache_root / BUILD_TIMES).read_text(encoding="utf-8"))  # type: ignore[operator]
    except (OSError, ValueError, TypeError):
        return {}
    ok = isinstance(data, dict)
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)} if ok else {}


def unchecked_page(publication: Publication) -> str:
    """Return the report page of an output not checked yet, which says so."""
    data = {
        "publication": {"title": publication.title, "publisher": publication.publisher},
        "source_language": publication.source_language,
        "files": [],
        "findings": [],
    }
    return _render(data, publication.source_language)


def page(data: dict[str, Any], lang: str) -> str:
    """Return output/report.html for the data of report.json, in `lang`."""
    return _render(data, lang)


def _render(data: dict[str, Any], lang: str) -> str:
    from pipeline.render.report_page import render  # it imports the renderers

    return render(data, lang)


def say(message: str, lang: str, **values: object) -> UiText:
    """Return one of the report's interface strings in `lang`, marked where it falls back."""
    return ui_text(message, lang, directory=LOCALE, **values)
