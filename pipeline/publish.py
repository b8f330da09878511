"""The one sequencer of a whole job: build, check, the EPUB claim, the statements' status.

`build` (pipeline/build.py) writes output/; `check` judges it and writes only its report;
`publish` does both, then claims conformance in each EPUB that passed, and writes each
edition's accessibility statement's status from the report (pipeline/statement.py). Those
are the only changes made to checked files, and each is checked again: EPUBCheck checks a
claimed EPUB before it replaces the unclaimed one, and the HTML checkers a statement whose
status changed. The CLI parses arguments and prints; it sequences nothing.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar, cast

from pipeline import atomic, clock
from pipeline.build import BuildResult, Inputs, build, output_lock
from pipeline.cache import Cache, digest
from pipeline.checks import Finding
from pipeline.checks.conformance import (
    Report,
    recheck_claimed_epub,
    recheck_pages,
    run_checks,
    write_report,
)
from pipeline.config import CONFIG_NAME, Publication, load_config
from pipeline.manifest import Manifest
from pipeline.progress import Progress
from pipeline.render.epub import add_conformance_claim, has_conformance_claim
from pipeline.report import build_times, history, keep
from pipeline.report import facts as release_facts
from pipeline.statement import refresh

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Published:
    """What `publish` did: the build, the checks and the EPUBs that now claim conformance."""

    build: BuildResult
    report: Report
    claimed: tuple[Path, ...]


def check(
    root: Path,
    output: Path | None = None,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    lang: str | None = None,
) -> Report:
    """Judge output/ with every checker; write report.json and report.html (in `lang`, by
    default the source language) and change no other output file. The approved shares go
    into the history in .cache/ once the check has succeeded."""
    from pipeline.review import terminology_report

    output = output or root / "output"
    publication = load_config(root) if (root / CONFIG_NAME).is_file() else None
    cache = Cache(publication.root if publication and use_cache else None)
    scores: dict[str, object] | None = None
    terminology: dict[str, object] | None = None
    facts: dict[str, object] = {}
    if publication:
        # They read only the config, sources, glossary and catalogs: kept while those last.
        inputs = Inputs.of(publication)
        kept = cache if inputs.fingerprint else Cache(None)  # unreadable: work it out anew
        scores = _kept(kept, ["readability", inputs], lambda: _scores(publication))
        terminology = _kept(kept, ["terminology", inputs], lambda: terminology_report(publication))
        facts = dict(_kept(kept, ["release", inputs], lambda: release_facts(publication)))
        facts["history"] = history(cache.root, clock.now().isoformat(), facts["review"])
        facts["build_seconds"] = {} if clock.fixed() else build_times(cache.root)
    lang = lang or (publication.source_language if publication else "de")
    checked = run_checks(
        output, terminology, scores, cache=cache, progress=progress, facts=facts, lang=lang
    )
    if publication:
        keep(cache.root, facts["history"])  # type: ignore[arg-type]
    return checked


def _scores(publication: Publication) -> dict[str, object]:
    from pipeline.checks.readability import readability

    return dict(readability(publication))


def _kept(cache: Cache, what: list[object], make: Callable[[], T]) -> T:
    """Return a result kept in the cache for `what`, or make and keep it."""
    key = digest(what)
    kept = cache.result(key)
    if isinstance(kept, dict) and "value" in kept:
        return cast(T, kept["value"])
    value = make()
    cache.store_result(key, {"value": value})
    return value


def publish(
    root: Path,
    output: Path | None = None,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    lang: str | None = None,
) -> Published:
    """Build, check, and claim EPUB Accessibility conformance where the checks found nothing.

    `lang` is the language of report.html (by default the source language).
    """
    built = build(root, output, jobs=jobs, use_cache=use_cache, progress=progress)
    report = check(root, built.output, use_cache=use_cache, progress=progress, lang=lang)
    publication = load_config(root)
    cache = Cache(publication.root if use_cache else None)
    claimed, findings = claim_conformance(built.output, report, cache)
    if findings:
        report = replace(report, findings=report.findings + tuple(findings))
    if claimed or findings:  # the report names the bytes it speaks for: the claimed EPUBs'
        write_report(report, built.output)
    with output_lock(built.output):
        statements = refresh(publication, built.output)
    if statements:  # their status changed after the checks: check those pages again
        report = recheck_pages(report, statements, cache)
    return Published(built, report, claimed)


def claim_conformance(
    output: Path, report: Report, cache: Cache
) -> tuple[tuple[Path, ...], list[Finding]]:
    """Declare conformance in each EPUB without findings; return them and any new finding.

    The claim is made on a copy, which EPUBCheck checks again; only a copy that passes
    replaces the EPUB, and the manifest records its new hash so that the next build keeps it.
    """
    failed = {Path(f.path).resolve() for f in report.findings}
    epubs = [
        p
        for p, kind in report.files.items()
        if kind == "epub" and p.resolve() not in failed and not has_conformance_claim(p)
    ]
    claimed: list[Path] = []
    findings: list[Finding] = []
    if not epubs:
        return (), []
    with output_lock(output), tempfile.TemporaryDirectory() as scratch:
        manifest = Manifest.read(output)
        for path in epubs:
            copy = Path(scratch) / path.parent.name / path.name
            copy.parent.mkdir(parents=True)
            copy.write_bytes(path.read_bytes())
            add_conformance_claim(copy)
            found = recheck_claimed_epub(copy, cache, Path(scratch) / f"{path.parent.name}-check")
            if found:
                findings += [replace(f, path=str(path)) for f in found]
                continue
            with atomic.atomic_path(path) as temp:
                temp.write_bytes(copy.read_bytes())
            name = str(path.relative_to(output))
            if name in manifest.files:
                manifest = manifest.replaced(name, path)
            claimed.append(path)
            log.info("Declared EPUB Accessibility 1.1 conformance in %s", path)
        if claimed and manifest.files:  # an output that a build of this version made
            manifest.write(output)
    return tuple(claimed), findings
