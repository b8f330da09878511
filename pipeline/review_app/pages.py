"""The review app's pages and actions: start page, queue per language, segment view.

Every action is a plain form post that works without JavaScript (a redirect to the next
segment); with htmx, the next segment is swapped in and the live region announces the
save. Each save is one locked read-check-write of the catalog (pipeline/store.py) with the
entry's version from the form: a changed entry is refused as a conflict (409), with both
versions shown and nothing lost.
"""

from __future__ import annotations

import re
import tempfile
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.messages.catalog import Catalog, Message
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline import comments, conflicts, history
from pipeline.actions import Request as Action
from pipeline.actions import ReviewRefused, perform, version
from pipeline.comments import source_hash
from pipeline.errors import PipelineError
from pipeline.review import segment_id, summarize
from pipeline.review_app.render import Page
from pipeline.review_app.state import Project
from pipeline.review_pack import import_reviews, make_pack
from pipeline.segment_view import SegmentView, german_pieces, queue

STATIC = Path(__file__).parent / "static"
PAGE_SIZE = 100
FILTERS = ("stale", "draft", "missing", "approved")


class Conflict(Exception):
    """The entry changed since the form was loaded."""

    def __init__(self, current: Message | None):
        super().__init__("conflict")
        self.current = current


def create_app(publication: Any, port: int) -> Starlette:
    """Return the review app for a publication, its catalogs brought up to date."""
    project = Project(publication)
    project.bring_up_to_date()
    page = Page(project, port)
    routes = [
        Route("/", partial(start, page=page)),
        Route("/name", partial(set_name, page=page), methods=["POST"]),
        Route("/ui", partial(set_ui, page=page)),
        Route("/e/{edition}", partial(queue_page, page=page)),
        Route("/e/{edition}/next", partial(next_unfinished, page=page)),
        Route("/e/{edition}/s/{segment}", partial(segment_page, page=page)),
        Route("/e/{edition}/s/{segment}", partial(act, page=page), methods=["POST"]),
        Route("/e/{edition}/pack", partial(make_pack_file, page=page), methods=["POST"]),
        Route("/import", partial(import_page, page=page)),
        Route("/import", partial(import_files, page=page), methods=["POST"]),
        Route("/import/resolve", partial(resolve_conflict, page=page), methods=["POST"]),
        Route("/output/{path:path}", partial(built, page=page)),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={PipelineError: _project_error})


async def _project_error(request: Request, exc: Exception) -> Response:
    """Show a problem of the project's files (a broken catalog) as its one line, not a 500."""
    text = f"error: {exc}\nFix the file, then reload this page.\n"
    return Response(text, status_code=500, media_type="text/plain; charset=utf-8")


async def start(request: Request, page: Page, **extra: Any) -> Response:
    """Show one row per edition: counts, approved share, open findings, a link."""
    project = page.project
    rows = []
    for edition_id, edition in project.editions.items():
        catalog = project.catalogs[edition_id].snapshot()
        summary = summarize(catalog)
        findings = sum(
            len(comments.texts(m, comments.TERM))
            for m in catalog
            if m.id and not comments.texts(m, comments.TERM_OVERRIDE)
        )
        rows.append({"edition": edition, "summary": summary, "findings": findings})
    policy = project.publication.policies.min_approved_share
    status = extra.pop("status", 200)
    return page.render(request, "start.html", status=status, rows=rows, policy=policy, **extra)


async def set_name(request: Request, page: Page) -> Response:
    """Keep the reviewer's name in a cookie, asked once."""
    form = await request.form()
    target = _local(str(form.get("next", "/")))
    try:
        name = comments.clean_name(str(form.get("name", "")))
    except PipelineError as exc:
        return await start(request, page, status=422, error=exc.message)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        page.name_cookie, quote(name), httponly=True, samesite="strict", max_age=90 * 86400
    )
    return response


async def set_ui(request: Request, page: Page) -> Response:
    """Switch the interface language."""
    lang = request.query_params.get("lang", "de")
    response = RedirectResponse(_local(request.query_params.get("next", "/")), status_code=303)
    if lang in page.interface_languages():
        response.set_cookie(page.ui_cookie, lang, httponly=True, samesite="strict")
    return response


async def queue_page(request: Request, page: Page) -> Response:
    """List one edition's segments, stale first, with filters and a text search."""
    edition = page.edition(request)
    segments = queue(page.views(edition.id))
    chosen = _filtered(segments, request.query_params)
    number = max(1, _int(request.query_params.get("page", "1")))
    shown = chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    return page.render(
        request,
        "queue.html",
        edition=edition,
        segments=shown,
        count=len(chosen),
        total=len(segments),
        number=number,
        pages=pages,
        query=dict(request.query_params),
        filters=FILTERS,
    )


def _filtered(segments: list[SegmentView], params: Any) -> list[SegmentView]:
    status, made_by = params.get("status", ""), params.get("origin", "")
    text = params.get("q", "").strip().casefold()
    return [
        s
        for s in segments
        if (not status or s.status == status)
        and (not params.get("findings") or s.has_findings)
        and (not made_by or s.origin == made_by)
        and (not text or text in s.german.casefold() or text in s.translation.casefold())
    ]


async def next_unfinished(request: Request, page: Page) -> Response:
    """Go to the first segment that still needs a decision."""
    edition = page.edition(request)
    target = _next(page, edition.id, after=request.query_params.get("after"))
    url = f"/e/{edition.id}/s/{target}" if target else f"/e/{edition.id}?done=1"
    return RedirectResponse(url, status_code=303)


async def segment_page(request: Request, page: Page, **extra: Any) -> Response:
    """Show one segment: German with terms, context, draft and origin, findings, history."""
    edition = page.edition(request)
    project = page.project
    wanted = request.path_params["segment"]
    full = page.views(edition.id)
    found = next((s for s in full if s.id == wanted), None)
    if found is None:
        return page.render(request, "missing.html", status=404, edition=edition)
    position = full.index(found)
    found = page.checked(edition, found)  # the term findings anew, for this segment
    log = project.catalogs[edition.id].history
    events = history.read(log, found.id)
    if found.previous_german:  # what happened to the segment before its German changed
        earlier = source_hash(Message(found.previous_german, context=found.context or None))
        events = history.read(log, earlier) + events
    return page.render(
        request,
        "segment.html",
        status=extra.pop("status", 200),
        edition=edition,
        segment=found,
        pieces=german_pieces(found.german, project.termbase()),
        previous=full[position - 1].id if position else "",
        following=full[position + 1].id if position + 1 < len(full) else "",
        events=events,
        built=_built_page(project, edition.id),
        four_eyes=project.publication.policies.four_eyes,
        **extra,
    )


async def act(request: Request, page: Page) -> Response:
    """Apply one reviewer's action to one segment, then go to the next unfinished one."""
    edition = page.edition(request)
    form = await request.form()
    reviewer = page.reviewer(request)
    segment = request.path_params["segment"]
    typed = str(form.get("text", "")) if "text" in form else None
    wanted = Action(str(form.get("action", "")), reviewer, typed, str(form.get("comment", "")))
    expected = str(form.get("version", ""))
    store = page.project.catalogs[edition.id]
    policy = page.project.policy(edition)
    if not reviewer:
        return await segment_page(
            request,
            page,
            status=422,
            error=page.gettext(request)(
                "Give your name first: it is recorded with every approval."
            ),
            typed=wanted,
        )

    def work(catalog: Catalog) -> list[history.Event]:
        entry = next((m for m in catalog if m.id and segment_id(m) == segment), None)
        if entry is None or version(entry) != expected:
            raise Conflict(entry)
        asked = wanted
        if wanted.action == "approve" and typed is not None:
            if comments.one_line(typed) != str(entry.string):  # approving an edit
                asked = Action("edit", reviewer, typed, wanted.comment)
        return [perform(entry, asked, policy, comments.now())]

    try:
        outcome = store.change(work)
    except Conflict:
        return await segment_page(request, page, status=409, conflict=True, typed=wanted)
    except ReviewRefused as exc:
        return await segment_page(request, page, status=422, error=exc.message, typed=wanted)
    done = outcome.events[0].action if outcome.events else ""
    target = _next(page, edition.id, after=segment)
    url = f"/e/{edition.id}/s/{target}" if target else f"/e/{edition.id}?done=1"
    url += ("&" if "?" in url else "?") + f"saved={quote(done)}&segment={segment}"
    if outcome.normalised:
        url += "&normalised=1"
    # htmx follows the redirect too, and swaps in the next segment.
    return RedirectResponse(url, status_code=303)


def _next(page: Page, edition_id: str, after: str | None) -> str:
    """Return the id of the next segment needing a decision, in queue order."""
    ordered = queue(page.views(edition_id))
    open_ = [s for s in ordered if s.status != "approved" and not s.sent_back]
    if after:
        position = next((i for i, s in enumerate(ordered) if s.id == after), -1)
        later = [s for s in ordered[position + 1 :] if s in open_]
        if later:
            return later[0].id
    return open_[0].id if open_ and open_[0].id != after else ""


async def make_pack_file(request: Request, page: Page) -> Response:
    """Make a review pack of an edition's stale and draft segments, as a download."""
    edition = page.edition(request)
    form = await request.form()
    statuses = [s for s in FILTERS if form.get(f"status-{s}")] or ["stale", "draft"]
    with tempfile.TemporaryDirectory() as temp:
        target = Path(temp) / f"review-pack-{edition.id}.html"
        result = make_pack(
            page.project.publication, edition.id, statuses, str(form.get("reviewer", "")), target
        )
        data = result.path.read_bytes()
    name = f"review-pack-{edition.id}-{result.pack}.html"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type="text/html; charset=utf-8", headers=headers)


MAX_UPLOAD = 5_000_000  # bytes per review file


async def import_page(request: Request, page: Page, **extra: Any) -> Response:
    """Show the import form and every edition's open conflicts, side by side."""
    root = page.project.publication.root
    open_conflicts = {e: conflicts.pending(root, e) for e in page.project.editions}
    return page.render(
        request,
        "import.html",
        status=extra.pop("status", 200),
        conflicts={e: c for e, c in open_conflicts.items() if c},
        editions=page.project.editions,
        **extra,
    )


async def import_files(request: Request, page: Page) -> Response:
    """Apply returned review files, in the way `review import` does."""
    async with request.form(max_files=20) as form:
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        with tempfile.TemporaryDirectory() as temp:
            paths = []
            for number, upload in enumerate(uploads):
                data = await upload.read(MAX_UPLOAD + 1)
                if len(data) > MAX_UPLOAD:
                    error = f"{upload.filename}: larger than {MAX_UPLOAD // 1_000_000} MB"
                    return await import_page(request, page, status=422, error=error)
                folder = Path(temp) / str(number)  # two files may have the same name
                folder.mkdir()
                paths.append(folder / Path(upload.filename or "review.json").name)
                paths[-1].write_bytes(data)
            try:
                summary = import_reviews(page.project.publication, paths)
            except PipelineError as exc:
                error = re.sub(rf"{re.escape(temp)}/\d+/", "", str(exc))  # the file's own name
                return await import_page(request, page, status=422, error=error)
    return await import_page(request, page, summary=summary.lines())


async def resolve_conflict(request: Request, page: Page) -> Response:
    """Mark a segment's open conflicts as resolved, after the reviewer looked at them."""
    form = await request.form()
    edition_id = str(form.get("edition", ""))
    if edition_id not in page.project.editions:
        return Response("no such edition", status_code=404, media_type="text/plain")
    conflicts.resolve(page.project.publication.root, edition_id, str(form.get("segment", "")))
    return RedirectResponse("/import?resolved=1", status_code=303)


async def built(request: Request, page: Page) -> Response:
    """Serve a file of the built output, read-only (the guard adds the sandbox policy)."""
    root = (page.project.publication.root / "output").resolve()
    target = (root / request.path_params["path"]).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(target)


def _built_page(project: Project, edition_id: str) -> str:
    path = project.publication.root / "output" / edition_id / f"{project.publication.slug}.html"
    return f"/output/{edition_id}/{path.name}" if path.is_file() else ""


def _local(target: str) -> str:
    """Return a redirect target only if it stays inside the app."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 1
