"""The one sequencer of a whole job: build, check, then the EPUB conformance claim.

`build` (pipeline/build.py) writes output/; `check` judges it and writes only its report;
`publish` does both and then claims conformance in each EPUB that passed, which is the only
change made to a checked file: EPUBCheck checks the claimed EPUB again before it replaces
the unclaimed one. The CLI parses arguments and prints; it sequences nothing.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import atomic
from pipeline.build import BuildResult, build, output_lock
from pipeline.cache import Cache, code_fingerprint, digest, file_sha
from pipeline.checks import Finding
from pipeline.checks.conformance import Report, recheck_claimed_epub, run_checks, write_report
from pipeline.config import CONFIG_NAME, load_config
from pipeline.manifest import Manifest
from pipeline.progress import Progress
from pipeline.render.epub import add_conformance_claim, has_conformance_claim

log = logging.getLogger(__name__)


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
) -> Report:
    """Judge output/ with every checker; write report.json and change no other file."""
    from pipeline.checks.readability import readability
    from pipeline.review import terminology_report

    output = output or root / "output"
    publication = load_config(root) if (root / CONFIG_NAME).is_file() else None
    cache = Cache(publication.root if publication and use_cache else None)
    scores: dict[str, object] | None = None
    if publication:
        sources = [*publication.sources, *(s for e in publication.editions for s in e.sources)]
        key = digest(
            ["readability", code_fingerprint(), publication.editions, *map(file_sha, sources)]
        )
        scores = cache.result(key)
        if not isinstance(scores, dict):
            scores = dict(readability(publication))
            cache.store_result(key, scores)
    terminology = terminology_report(publication) if publication else None
    return run_checks(output, terminology, scores, cache=cache, progress=progress)


def publish(
    root: Path,
    output: Path | None = None,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Published:
    """Build, check, and claim EPUB Accessibility conformance where the checks found nothing."""
    built = build(root, output, jobs=jobs, use_cache=use_cache, progress=progress)
    report = check(root, built.output, use_cache=use_cache, progress=progress)
    cache = Cache(load_config(root).root if use_cache else None)
    claimed, findings = claim_conformance(built.output, report, cache)
    if findings:
        report = replace(report, findings=report.findings + tuple(findings))
        write_report(report, built.output)
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
