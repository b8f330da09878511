"""PDF/UA-1 from the print HTML with WeasyPrint, then pikepdf closes WeasyPrint's known gaps."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import weasyprint

from pipeline import atomic
from pipeline.errors import ToolError
from pipeline.render.pdf_fixes import close_pdfua_gaps

log = logging.getLogger(__name__)


def write_pdf(
    html: str, base_url: Path, target: Path, lang_spans: Sequence[tuple[str, str]]
) -> None:
    """Render `html` (relative links resolved against `base_url`) as PDF/UA-1 at `target`."""
    with _weasyprint_errors() as errors, atomic.atomic_path(target) as temp:
        weasyprint.HTML(string=html, base_url=str(base_url)).write_pdf(temp, pdf_variant="pdf/ua-1")
        if errors:
            # WeasyPrint only logs a missing alt or lang and still labels the file PDF/UA.
            raise ToolError(f"WeasyPrint could not make a valid PDF/UA file: {errors[0]}", target)
        with pikepdf.open(temp, allow_overwriting_input=True) as pdf:
            close_pdfua_gaps(pdf, lang_spans)
            # The same HTML gives the same bytes: a rebuild changes only what changed.
            pdf.save(temp, deterministic_id=True)


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
