"""Run every conformance checker on output/ and write output/report.json."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline import atomic, clock
from pipeline.checks import Finding
from pipeline.checks.epub import check_epub, run_epubcheck
from pipeline.checks.html import check_html
from pipeline.checks.pdf import check_pdf
from pipeline.checks.verapdf import check_pdfs
from pipeline.errors import PipelineError
from pipeline.locks import locked
from pipeline.render.epub import add_conformance_claim

log = logging.getLogger(__name__)
CHECKERS = {"html": ["axe", "reflow"], "pdf": ["pdfua"], "epub": ["epubcheck", "ace"]}


@dataclass(frozen=True)
class Report:
    """Findings for every checked file, as printed and as written to report.json."""

    path: Path
    files: dict[Path, str]  # checked file -> its kind ("html", "pdf", "epub")
    findings: tuple[Finding, ...]
    # The termbase check of source and catalogs (pipeline.review.terminology_report); it is
    # editorial, so it is reported but does not decide `passed`. None without a termbase.
    terminology: dict[str, object] | None = None
    # Flesch-Amstad and Wiener Sachtextformel per section of each German edition: hints.
    readability: dict[str, object] | None = None

    @property
    def passed(self) -> bool:
        """Tell whether every file passed every checker."""
        return not self.findings

    def summary(self) -> str:
        """Return one line: how many files were checked and how many findings there are."""
        counts = {kind: list(self.files.values()).count(kind) for kind in CHECKERS}
        checked = ", ".join(f"{n} {kind.upper()}" for kind, n in counts.items() if n)
        verdict = "all checks passed" if self.passed else f"{len(self.findings)} finding(s)"
        return f"checked {checked}: {verdict}"


def run_checks(
    output: Path,
    terminology: dict[str, object] | None = None,
    readability: dict[str, object] | None = None,
) -> Report:
    """Check every HTML page, PDF and EPUB in `output`; claim EPUB conformance where it holds.

    `terminology` (pipeline.review.terminology_report) and `readability`
    (pipeline.readability) are added to report.json as they are.
    """
    with locked(output, "another build or check of this output"):
        return _run_checks(output, terminology, readability)


def _run_checks(
    output: Path, terminology: dict[str, object] | None, readability: dict[str, object] | None
) -> Report:
    files = _outputs(output)
    if not files:
        raise PipelineError("nothing to check; run `python -m pipeline build` first", output)
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(max_workers=2) as pool:
        jobs: list[Callable[[], list[Finding]]] = [
            lambda: check_html([p for p, kind in files.items() if kind == "html"])
        ]
        jobs += [_pdf_job(p) for p, kind in files.items() if kind == "pdf"]
        # veraPDF, the reference PDF/UA-1 validator, judges every PDF in one JVM.
        jobs.append(lambda: check_pdfs([p for p, kind in files.items() if kind == "pdf"]))
        jobs += [
            _epub_job(p, Path(scratch) / str(i)) for i, p in enumerate(files) if files[p] == "epub"
        ]
        for result in pool.map(lambda job: job(), jobs):
            findings += result
    report = Report(output / "report.json", files, tuple(findings), terminology, readability)
    atomic.write_text(
        report.path, json.dumps(_as_json(report, output), indent=2, ensure_ascii=False)
    )
    return report


def _pdf_job(path: Path) -> Callable[[], list[Finding]]:
    return lambda: check_pdf(path)


def _epub_job(path: Path, workdir: Path) -> Callable[[], list[Finding]]:
    def job() -> list[Finding]:
        findings = check_epub(path, workdir)
        if findings:
            return findings
        # The claim is declared only once EPUBCheck and Ace found nothing, and must keep it valid.
        add_conformance_claim(path)
        log.info("Declared EPUB Accessibility 1.1 conformance in %s", path)
        return run_epubcheck(path, workdir)

    return job


def _outputs(output: Path) -> dict[Path, str]:
    files: dict[Path, str] = {}
    if (output / "index.html").is_file():
        files[output / "index.html"] = "html"
    for kind in CHECKERS:
        for path in sorted(output.glob(f"*/*.{kind}")):
            files[path] = kind
    return files


def _as_json(report: Report, output: Path) -> dict[str, object]:
    def relative(path: Path | str) -> str:
        try:
            return str(Path(path).resolve().relative_to(output.resolve()))
        except ValueError:
            return str(path)

    per_file = []
    for path, kind in report.files.items():
        found = [f for f in report.findings if relative(f.path) == relative(path)]
        per_file.append(
            {
                "path": relative(path),
                "kind": kind,
                "checkers": CHECKERS[kind],
                "findings": len(found),
                "passed": not found,
            }
        )
    findings = [{**f.to_dict(), "path": relative(f.path)} for f in report.findings]
    data: dict[str, object] = {
        "checked_at": clock.now().isoformat(timespec="seconds"),
        "passed": report.passed,
        "files": per_file,
        "findings": findings,
    }
    if report.terminology is not None:
        data["terminology"] = report.terminology
    if report.readability is not None:
        data["readability"] = report.readability
    return data
