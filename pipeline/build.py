"""The one place that sequences the stages: config, sources, then every edition's formats."""

from __future__ import annotations

import logging
import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.catalogs import template, translated_editions
from pipeline.config import Edition, Publication, load_config
from pipeline.easy.gate import check_easy_sources
from pipeline.errors import PipelineError, os_reason
from pipeline.glossary import load_termbase
from pipeline.i18n import file_size, language_name
from pipeline.localize import EditionText, edition_text, own_text
from pipeline.locks import locked
from pipeline.render import epub, html, pdf
from pipeline.source import Document, load_document
from pipeline.wordlist import used_concepts

log = logging.getLogger(__name__)
OUTPUT_MARKER = ".pipeline-output"


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


def build(root: Path, output: Path | None = None) -> BuildResult:
    """Build every edition of the publication in `root`; read and validate all before writing."""
    publication = load_config(root)
    output = (output or publication.root / "output").resolve()
    with output_lock(output):
        _restore(output)
        document = load_document(publication)
        _refuse_foreign(output)
        return _build(publication, document, output)


def output_lock(output: Path) -> AbstractContextManager[None]:
    """Hold the lock of an output directory: build, check and publish write it one at a time."""
    return locked(output, "another build or check of this output")


def _restore(output: Path) -> None:
    """Put back the last good output if a build was killed between the two renames."""
    old = output.with_name(f".{output.name}.old")
    if old.is_dir() and not output.exists():
        old.rename(output)
        log.warning("restored %s from the last good build, which a killed build left", output)


def _build(publication: Publication, document: Document, output: Path) -> BuildResult:
    # Everything goes to a staging directory that replaces output/ only when all succeeded,
    # so a failed build leaves the last good output and a rename leaves no stale files.
    staging = output.with_name(f".{output.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        (staging / OUTPUT_MARKER).write_text("made by python -m pipeline build\n", encoding="utf-8")
        html.write_assets(staging)
        # Every catalog is read and checked before the first file is written.
        for edition in publication.editions:
            if edition.style == "easy":  # the linter's errors block the edition
                check_easy_sources(publication.root, edition.sources)
        termbase = load_termbase(publication)
        glossary = used_concepts(termbase, document.ast["blocks"]) if termbase else []
        pot = template(publication) if translated_editions(publication) else None
        texts = {
            e.id: edition_text(publication, e, document, glossary, pot)
            if not e.own_text
            else own_text(publication, e, termbase)
            for e in publication.editions
        }
        artifacts: list[Artifact] = []
        for edition in publication.editions:
            artifacts += build_edition(publication, edition, texts, staging)
        entries = _landing_entries(publication, texts, artifacts)
        atomic.write_text(staging / "index.html", html.render_landing(publication, entries))
        _replace(output, staging)
    except OSError as exc:  # a full disk, a quota, a read-only file system
        where = Path(exc.filename) if exc.filename else staging
        raise PipelineError(
            f"cannot write the build ({os_reason(exc)}); {output.name}/ is unchanged", where
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("Wrote %s", output)
    moved = [Artifact(a.edition, a.kind, output / a.path.relative_to(staging)) for a in artifacts]
    return BuildResult(output=output, landing=output / "index.html", artifacts=tuple(moved))


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


def build_edition(
    publication: Publication, edition: Edition, texts: dict[str, EditionText], output: Path
) -> list[Artifact]:
    """Write one edition's files into output/<edition>/."""
    text = texts[edition.id]
    edition_dir = output / edition.id
    _copy_media(text.document, edition_dir)
    paths = {kind: edition_dir / f"{publication.slug}.{kind}" for kind in edition.formats}
    links = [
        html.FormatLink(path.name, html.MEDIA_TYPES[kind], html.format_label(kind, edition.lang))
        for kind, path in paths.items()
        if kind != "html"
    ]
    languages = _language_links(publication, edition)
    body = html.body_html(text.document)
    if "html" in paths:
        page = html.render_page(edition, text, body, links, languages, for_print=False)
        atomic.write_text(paths["html"], page)
    if "pdf" in paths:
        source = html.render_page(edition, text, body, [], [], for_print=True)
        # Metadata without a translation is in the source language, like the German fallback.
        untranslated = tuple(
            (publication.source_language, getattr(publication, field))
            for field in sorted(text.untranslated)
        )
        lang_spans = text.document.lang_spans + untranslated
        pdf.write_pdf(source, paths["pdf"], paths["pdf"], lang_spans)
    if "epub" in paths:
        epub.write_epub(edition, text, edition_dir, paths["epub"])
    for kind, path in paths.items():
        log.info("Wrote %s (%s)", path, kind)
    return [Artifact(edition.id, kind, path) for kind, path in paths.items()]


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
    publication: Publication, texts: dict[str, EditionText], artifacts: list[Artifact]
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
                size=file_size(a.path.stat().st_size, edition.lang),
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
            }
        )
    return entries
