"""Build: config, sources and catalogs, then every edition's formats that changed."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.cache import Cache, code_fingerprint, digest, file_sha
from pipeline.checks.easy_gate import WAIVERS
from pipeline.config import Edition, Publication, load_config
from pipeline.easy.config import CONFIG_NAME as EASY_CONFIG
from pipeline.errors import PipelineError, os_reason
from pipeline.i18n import file_size, language_name, ui_text
from pipeline.localize import EditionText
from pipeline.locks import locked
from pipeline.manifest import OUTPUT_MARKER, Manifest
from pipeline.progress import Progress
from pipeline.render import epub, html
from pipeline.report import PAGE as REPORT_PAGE
from pipeline.report import keep_build_times, unchecked_page
from pipeline.source import Document
from pipeline.statement import Status
from pipeline.texts import Text, edition_texts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Artifact:
    """One file the build wrote: an edition in one format."""

    edition: str
    kind: str
    path: Path


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, for the CLI and the checks."""

    output: Path
    landing: Path
    artifacts: tuple[Artifact, ...]
    rendered: tuple[str, ...] = ()  # the artifacts rendered this time (the rest were reused)
    changed: bool = True  # False: output/ was up to date, and no file was written
    # What the publisher must do before an edition can be final: (file, what to do).
    notes: tuple[tuple[Path, str], ...] = ()


def build(
    root: Path,
    output: Path | None = None,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every edition of the publication in `root`; read and validate all before writing.

    Only what changed is rendered: each artifact (an edition in one format) is found by the
    hash of all it depends on, in `output/` or in the cache. The rest renders in `jobs`
    worker processes (default: one per core). A build that changes nothing writes nothing.
    """
    publication = load_config(root)
    output = (output or publication.root / "output").resolve()
    cache = Cache(publication.root if use_cache else None)
    with output_lock(output):
        _restore(output)
        inputs = Inputs.of(publication)
        result = _up_to_date(publication.root, output, inputs) if cache.enabled else None
        if result is None:
            with _workers(jobs or os.cpu_count() or 1) as pool:
                result = _build(publication, output, cache, pool, progress, inputs)
    return dataclasses.replace(result, notes=_notes(publication))


def _notes(publication: Publication) -> tuple[tuple[Path, str], ...]:
    missing = publication.accessibility.missing
    if not missing:
        return ()
    keys = ", ".join(missing)
    what = (
        f"[accessibility] has no {keys}: every edition is published as a draft until its "
        "accessibility statement names where readers report barriers and the enforcement "
        "body; add them (README, 'The accessibility statement')"
    )
    return ((publication.config_path, what),)


@contextmanager
def _workers(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """Start the worker processes (none for one job) that make the texts and render.

    They start at once and import the renderers while the main process reads the inputs.
    """
    if jobs <= 1:
        yield None
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_import_renderers) as pool:
        pool.submit(int)  # a fork pool starts all its processes with the first task
        yield pool


def _import_renderers() -> None:
    from pipeline.render import pdf  # noqa: F401 - WeasyPrint and pikepdf take a second


@dataclass(frozen=True)
class Inputs:
    """The files a build reads, with their hashes, and the hash of its code and config."""

    fingerprint: str
    files: dict[str, str]  # path relative to the project -> SHA-256

    @classmethod
    def of(cls, publication: Publication) -> Inputs:
        """Hash the config, the sources, the glossary and the catalogs."""
        root = publication.root
        paths = {publication.config_path, *publication.sources}
        paths |= {s for e in publication.editions for s in e.sources}
        paths |= {root / name for name in (WAIVERS, EASY_CONFIG) if (root / name).is_file()}
        for folder in ("glossary", "translations"):
            paths |= {p for p in (root / folder).rglob("*") if p.is_file()}
        resolved = sorted({p.resolve() for p in paths})
        try:
            inside = [p for p in resolved if p.is_relative_to(root) and p.is_file()]
            files = {str(p.relative_to(root)): file_sha(p) for p in inside}
        except OSError:  # unreadable: the full build names the file and what to do
            return cls("", {})
        fingerprint = digest([code_fingerprint(), publication], root)
        return cls(fingerprint, files)


def _up_to_date(root: Path, output: Path, inputs: Inputs) -> BuildResult | None:
    """Return the last build's result if nothing it read has changed and output/ is whole.

    The quick path of a build that changed nothing: not even the sources are parsed.
    """
    manifest = Manifest.read(output)
    recorded = manifest.inputs
    if not inputs.fingerprint or manifest.fingerprint != inputs.fingerprint or not recorded:
        return None
    images = [root / name for name in recorded if name not in inputs.files]
    try:
        now = {**inputs.files, **{str(p.relative_to(root)): file_sha(p) for p in images}}
    except OSError:  # an image was deleted
        return None
    if now != recorded or not manifest.intact(output):
        return None
    artifacts = []
    for name in manifest.keys:
        edition, _, file = name.partition("/")
        artifacts.append(Artifact(edition, file.rsplit(".", 1)[-1], output / name))
    log.info("%s is up to date", output)
    return BuildResult(output, output / "index.html", tuple(artifacts), (), changed=False)


def output_lock(output: Path) -> AbstractContextManager[None]:
    """Hold the lock of an output directory: build, check and publish write it one at a time."""
    return locked(output, "another build or check of this output")


def _restore(output: Path) -> None:
    """Put back the last good output if a build was killed between the two renames.

    A killed build may also have left its render directory; the lock says it is gone.
    """
    old = output.with_name(f".{output.name}.old")
    if old.is_dir() and not output.exists():
        old.rename(output)
        log.warning("restored %s from the last good build, which a killed build left", output)
    for stray in output.parent.glob(f".{output.name}.render-*"):
        shutil.rmtree(stray, ignore_errors=True)


@dataclass(frozen=True)
class _Job:
    """One artifact to make: an edition in one format, and the key of all it depends on."""

    edition: Edition
    kind: str
    key: str
    name: str  # its path in output/, such as "pl/integrationskonzept.pdf"


def _build(
    publication: Publication,
    output: Path,
    cache: Cache,
    pool: ProcessPoolExecutor | None,
    progress: Progress | None,
    inputs: Inputs,
) -> BuildResult:
    # Every catalog is read and checked before the first file is written.
    made = edition_texts(publication, inputs.files, cache, pool)
    _refuse_foreign(output)
    texts = {edition: text.text for edition, text in made.items()}
    planned = _plan(publication, made)
    manifest = Manifest.read(output)
    found: dict[str, Path] = {}  # artifact name -> the file that holds it now
    todo: list[_Job] = []
    for job in planned:
        path = manifest.artifact(output, job.name, job.key) if cache.enabled else None
        cached = cache.files(job.key) if path is None else None
        if path is None and cached is not None:
            path = cached.get(job.name.rsplit("/", 1)[1])
        if path is None:
            todo.append(job)
        else:
            found[job.name] = path
    if progress:
        progress.start("build", len(todo))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{output.name}.render-", dir=output.parent) as s:
            scratch = Path(s)
            seconds: dict[str, float] = {}
            for job, path, took in _render(publication, texts, todo, scratch, pool, progress):
                cache.store_files(job.key, {path.name: path})
                found[job.name], seconds[job.name] = path, took
            keep_build_times(cache.root, seconds)  # for the report's times
            files = _static_files(publication, texts)
            files.update({job.name: found[job.name] for job in planned})
            rendered = {job.edition.id for job in todo}
            files.update(_statements(publication, texts, output, manifest, rendered))
            artifacts = [Artifact(j.edition.id, j.kind, output / j.name) for j in planned]
            entries = _landing_entries(publication, texts, artifacts, found)
            landing = html.render_landing(publication, entries).encode("utf-8")
            read = {**inputs.files, **_image_hashes(publication.root, texts)}  # hashed once
            keys = {job.name: job.key for job in planned}
            new = Manifest.make(files, landing, keys, read, inputs.fingerprint)
            same = new.files == manifest.files and new.keys == manifest.keys
            changed = not (same and manifest.intact(output))
            if changed:
                placeholder = unchecked_page(publication).encode("utf-8")
                _write_output(output, files, landing, new, placeholder)
            elif new != manifest:  # what it read changed, not what it writes
                new.write(output)
    except OSError as exc:  # a full disk, a quota, a read-only file system
        where = Path(exc.filename) if exc.filename else output
        raise PipelineError(
            f"cannot write the build ({os_reason(exc)}); {output.name}/ is unchanged", where
        ) from None
    finally:
        if progress:
            progress.done()
    return BuildResult(
        output=output,
        landing=output / "index.html",
        artifacts=tuple(artifacts),
        rendered=tuple(job.name for job in todo),
        changed=changed,
    )


def _statements(
    publication: Publication,
    texts: dict[str, EditionText],
    output: Path,
    manifest: Manifest,
    rendered: set[str],
) -> dict[str, Path | bytes]:
    """Return each edition's accessibility statement: as output/ holds it where none of the
    edition's files was made anew (its status still speaks for them), else rendered as not
    yet checked, which `publish` fills in after its checks (pipeline/statement.py)."""
    pages: dict[str, Path | bytes] = {}
    for edition in publication.editions:
        name = f"{edition.id}/{html.STATEMENT}"
        kept = output / name
        if edition.id not in rendered and name in manifest.files and kept.is_file():
            if file_sha(kept) == manifest.files[name]:
                pages[name] = kept
                continue
        page = html.render_statement(edition, texts[edition.id], Status())
        pages[name] = page.encode("utf-8")
    return pages


def _image_hashes(root: Path, texts: dict[str, EditionText]) -> dict[str, str]:
    """Hash the images the editions show, which only the parsed sources name."""
    paths = {i.path.resolve() for t in texts.values() for i in t.document.images}
    return {str(p.relative_to(root)): file_sha(p) for p in sorted(paths) if p.is_relative_to(root)}


def _plan(publication: Publication, texts: dict[str, Text]) -> list[_Job]:
    """List every artifact with the key of everything it depends on."""
    planned = []
    for edition in publication.editions:
        text = texts[edition.id].text
        images = [i.data if i.data is not None else file_sha(i.path) for i in text.document.images]
        for kind in edition.formats:
            inputs = {
                "code": code_fingerprint(),
                "kind": kind,
                "edition": edition,
                "text": texts[edition.id].key,
                "images": images,
                "languages": _language_links(publication, edition) if kind == "html" else [],
            }
            name = f"{edition.id}/{publication.slug}.{kind}"
            planned.append(_Job(edition, kind, digest(inputs, publication.root), name))
    return planned


def _render(
    publication: Publication,
    texts: dict[str, EditionText],
    todo: list[_Job],
    scratch: Path,
    pool: ProcessPoolExecutor | None,
    progress: Progress | None,
) -> Iterator[tuple[_Job, Path, float]]:
    """Render the artifacts in `todo` into `scratch`, in the worker processes; yield each file
    and the seconds it took."""
    if not todo:
        return
    html.write_assets(scratch)
    for edition in {job.edition.id: job.edition for job in todo}.values():
        _copy_media(texts[edition.id].document, scratch / edition.id)
    tasks = {j.name: (publication, j.edition, j.kind, texts[j.edition.id], scratch) for j in todo}
    if pool is None:
        for job in todo:
            path, seconds = timed_render(*tasks[job.name])
            if progress:
                progress.advance(job.name)
            yield job, path, seconds
        return
    # The slowest first (PDFs, longest texts), so that no worker is left with one at the end.
    slowest = sorted(
        todo, key=lambda j: (j.kind != "pdf", -len(texts[j.edition.id].document.ast["blocks"]))
    )
    futures = {pool.submit(timed_render, *tasks[job.name]): job for job in slowest}
    done: dict[str, tuple[Path, float]] = {}
    for future in as_completed(futures):
        job = futures[future]
        done[job.name] = future.result()
        if progress:
            progress.advance(job.name)
    # In plan order, so that what follows does not depend on which worker was first.
    for job in todo:
        yield job, *done[job.name]


def timed_render(*task: Any) -> tuple[Path, float]:
    """Render one artifact (render_artifact's arguments); return it and the seconds it took."""
    start = time.perf_counter()
    return render_artifact(*task), time.perf_counter() - start


def render_artifact(
    publication: Publication, edition: Edition, kind: str, text: EditionText, root: Path
) -> Path:
    """Write one edition in one format into root/<edition>/ (media and assets are there)."""
    edition_dir = root / edition.id
    path = edition_dir / f"{publication.slug}.{kind}"
    if kind == "html":
        links = [
            html.FormatLink(
                f"{publication.slug}.{other}",
                html.MEDIA_TYPES[other],
                html.format_label(other, edition.lang),
            )
            for other in edition.formats
            if other != "html"
        ]
        languages = _language_links(publication, edition)
        page = html.render_page(
            edition,
            text,
            html.body_html(text.document, hyphenate="" if text.easy else edition.lang),
            links,
            languages,
            for_print=False,
        )
        atomic.write_text(path, page)
    elif kind == "pdf":
        from pipeline.render import pdf  # WeasyPrint takes a second to import: only when needed

        source = html.render_page(
            edition, text, html.body_html(text.document), [], [], for_print=True
        )
        # Every part of the page in another language: fallback text, interface and metadata.
        pdf.write_pdf(source, path, path, html.language_parts(source), html.alt_languages(source))
    elif kind == "epub":
        epub.write_epub(edition, text, edition_dir, path)
    log.info("Wrote %s (%s)", path, kind)
    return path


def _static_files(
    publication: Publication, texts: dict[str, EditionText]
) -> dict[str, Path | bytes]:
    """Return the files every build has: the assets and each edition's images."""
    files: dict[str, Path | bytes] = {f"assets/{n}": p for n, p in html.asset_files().items()}
    for edition in publication.editions:
        for image in texts[edition.id].document.images:
            files[f"{edition.id}/{image.src}"] = (
                image.data if image.data is not None else image.path
            )
    return files


def _write_output(
    output: Path,
    files: dict[str, Path | bytes],
    landing: bytes,
    manifest: Manifest,
    placeholder: bytes,
) -> None:
    # Everything goes to a staging directory that replaces output/ only when all succeeded,
    # so a failed build leaves the last good output and a rename leaves no stale files.
    staging = output.with_name(f".{output.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        for name, source in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, bytes):
                target.write_bytes(source)
            else:
                shutil.copyfile(source, target)
        (staging / "index.html").write_bytes(landing)
        # The landing page links the report, which only a check writes: until then, it says so.
        (staging / REPORT_PAGE).write_bytes(placeholder)
        manifest.write(staging)
        _replace(output, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("Wrote %s", output)


def _refuse_foreign(output: Path) -> None:
    # Replacing a directory that holds other files (a web root, a home) would delete them.
    if output.exists() and any(output.iterdir()) and not (output / OUTPUT_MARKER).exists():
        raise PipelineError(
            "this directory holds files the pipeline did not make; choose an empty one", output
        )


def _replace(output: Path, staging: Path) -> None:
    # At every instant either output/ or .output.old is whole; _restore undoes a kill between.
    old = output.with_name(f".{output.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def _copy_media(document: Document, edition_dir: Path) -> None:
    for image in document.images:
        with atomic.atomic_path(edition_dir / image.src) as temp:
            if image.data is not None:  # a cleaned SVG
                temp.write_bytes(image.data)
            else:
                shutil.copyfile(image.path, temp)


def _language_links(publication: Publication, edition: Edition) -> list[html.LanguageLink]:
    """Link every edition's web page, named in its own language, for the language switcher."""
    if len(publication.editions) < 2:
        return []
    return [
        html.LanguageLink(
            href=f"../{other.id}/{publication.slug}.html",
            lang=other.lang,
            dir=other.dir,
            name=other.name or language_name(other.lang),
            current=other.id == edition.id,
        )
        for other in publication.editions
        if "html" in other.formats
    ]


def _landing_entries(
    publication: Publication,
    texts: dict[str, EditionText],
    artifacts: list[Artifact],
    found: dict[str, Path],
) -> list[dict[str, Any]]:
    entries = []
    for edition in publication.editions:
        text = texts[edition.id]
        files = [a for a in artifacts if a.edition == edition.id]
        formats = [
            html.FormatLink(
                href=f"{edition.id}/{a.path.name}",
                media_type=html.MEDIA_TYPES[a.kind],
                label=html.format_label(a.kind, edition.lang),
                size=file_size(found[f"{edition.id}/{a.path.name}"].stat().st_size, edition.lang),
            )
            for a in files
        ]
        entries.append(
            {
                "id": edition.id,
                "lang": edition.lang,
                "dir": edition.dir,
                "name": edition.name or language_name(edition.lang),
                "title": text.publication.title,
                "title_lang": publication.source_language
                if "title" in text.untranslated
                else edition.lang,
                "draft": text.draft,
                "status": html.edition_status(
                    text, edition, original=edition.lang == publication.source_language
                ),
                "formats": formats,
                "held": ui_text(
                    "Not yet released: the accessibility statement names no contact yet",
                    edition.lang,
                )
                if text.held
                else "",
                "statement": f"{edition.id}/{html.STATEMENT}",
                "statement_label": ui_text("Accessibility statement", edition.lang),
            }
        )
    return entries
