"""PDF/UA-1 from the print HTML with WeasyPrint, then pikepdf closes WeasyPrint's known gaps."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pikepdf
import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from pipeline import atomic
from pipeline.errors import ToolError
from pipeline.render.pdf_fixes import PdfLanguageError, close_pdfua_gaps

log = logging.getLogger(__name__)


def write_pdf(
    html: str,
    base_url: Path,
    target: Path,
    lang_spans: Sequence[tuple[str, str]],
    alt_languages: Mapping[str, str] | None = None,
) -> None:
    """Render `html` (relative links resolved against `base_url`) as PDF/UA-1 at `target`.

    `lang_spans` and `alt_languages` are the parts of the page in another language
    (pipeline/render/html.py), which the PDF's structure tree marks with /Lang.
    """
    fetcher = PublicationFetcher((base_url.parent.parent.resolve(), PACKAGE))
    with _weasyprint_errors() as errors, atomic.atomic_path(target) as temp:
        page = weasyprint.HTML(string=html, base_url=str(base_url), url_fetcher=fetcher)
        try:
            page.write_pdf(temp, pdf_variant="pdf/ua-1")
        except FatalURLFetchingError as exc:
            raise ToolError(str(exc), target) from None
        if errors:
            # WeasyPrint only logs a missing alt or lang and still labels the file PDF/UA.
            raise ToolError(f"WeasyPrint could not make a valid PDF/UA file: {errors[0]}", target)
        with pikepdf.open(temp, allow_overwriting_input=True) as pdf:
            try:
                close_pdfua_gaps(pdf, lang_spans, alt_languages)
            except PdfLanguageError as exc:
                raise PdfLanguageError(exc.message, target) from None
            # The same HTML gives the same bytes: a rebuild changes only what changed.
            pdf.save(temp, deterministic_id=True)


PACKAGE = Path(__file__).resolve().parents[1]  # the pipeline's fonts and templates


class PublicationFetcher(URLFetcher):
    """Let WeasyPrint read the build's own files and inline data, and nothing else.

    No network, and no file outside the staged edition and the pipeline's package: a
    reference elsewhere stops the build instead of being fetched.
    """

    def __init__(self, roots: Sequence[Path]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(roots)

    def fetch(self, url: str, headers: Any = None) -> Any:
        """Fetch a data: URL or a file inside the roots; refuse anything else."""
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
        raise FatalURLFetchingError(
            f"the page refers to {url[:80]!r}; a build reads only the publication's own "
            "files and fetches nothing from the network"
        )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_errors() -> Iterator[list[str]]:
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
