"""Rendering the review app's pages: Jinja2 with autoescape, in the reviewer's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from pipeline.config import Edition
from pipeline.i18n import language_name, percent, text_direction, translations
from pipeline.review_app.state import Project
from pipeline.segment_view import SegmentView, recheck, views

TEMPLATES = Path(__file__).parent / "templates"
LOCALE = Path(__file__).parent / "locale"
DEFAULT_UI = "de"


class Page:
    """The templates, the cookies and the per-edition caches of one running app."""

    def __init__(self, project: Project, port: int):
        self.project = project
        self.name_cookie = f"review_name_{port}"
        self.ui_cookie = f"review_ui_{port}"
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self._views: dict[str, tuple[int, list[SegmentView]]] = {}
        self._each: dict[str, dict[tuple[str, ...], SegmentView]] = {}

    def interface_languages(self) -> list[str]:
        """Return the languages the interface is translated into, English included."""
        return sorted({"en", *(p.stem for p in LOCALE.glob("*.po"))})

    def ui_lang(self, request: Request) -> str:
        """Return the reviewer's interface language."""
        lang = request.cookies.get(self.ui_cookie, DEFAULT_UI)
        return lang if lang in self.interface_languages() else DEFAULT_UI

    def gettext(self, request: Request) -> Callable[[str], str]:
        """Return the translation function of the reviewer's interface language."""
        return translations(self.ui_lang(request), LOCALE).gettext

    def reviewer(self, request: Request) -> str:
        """Return the reviewer's name from the cookie; "" if not given yet."""
        return unquote(request.cookies.get(self.name_cookie, ""))

    def edition(self, request: Request) -> Edition:
        """Return the edition a URL names, or answer 404."""
        edition = self.project.editions.get(request.path_params["edition"])
        if edition is None:
            raise HTTPException(404, "no such edition")
        return edition

    def views(self, edition_id: str) -> list[SegmentView]:
        """Return the segments of an edition as reviewers see them, cached per state."""
        catalog, generation = self.project.catalogs[edition_id].state()
        cached = self._views.get(edition_id)
        if cached is None or cached[0] != generation:
            each = self._each.setdefault(edition_id, {})
            found = views(catalog, cache=each)
            if len(each) > 2 * len(found):  # drop the views of entries that changed since
                current = {id(view) for view in found}
                self._each[edition_id] = {k: v for k, v in each.items() if id(v) in current}
            cached = (generation, found)
            self._views[edition_id] = cached
        return cached[1]

    def checked(self, edition: Edition, view: SegmentView) -> SegmentView:
        """Return one segment with its terminology checked anew."""
        catalog = self.project.catalogs[edition.id].snapshot()
        return recheck(view, catalog, self.project.checker(edition))

    def render(
        self, request: Request, name: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """Render a template in the reviewer's language."""
        lang = self.ui_lang(request)
        body = self.env.get_template(name).render(
            _=self.gettext(request),
            ui_lang=lang,
            ui_dir=text_direction(lang),
            ui_languages=[(code, language_name(code)) for code in self.interface_languages()],
            reviewer=self.reviewer(request),
            request=request,
            path=request.url.path,
            title=self.project.publication.title,
            language_name=language_name,
            text_direction=text_direction,
            percent=lambda share: percent(share, lang),
            **context,
        )
        return HTMLResponse(body, status_code=status)
