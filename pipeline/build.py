"""The one place that sequences the stages: config, sources, then every edition's formats."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.config import Edition, Publication, load_config
from pipeline.i18n import file_size, language_name
from pipeline.render import epub, html, pdf
from pipeline.source import Document, load_document

log = logging.getLogger(__name__)
EXTENSIONS = {"html": ".html", "pdf": ".pdf", "epub": ".epub"}


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
    document = load_document(publication)
    output = output or publication.root / "output"
    html.write_assets(output)
    body = html.body_html(document)
    artifacts: list[Artifact] = []
    for edition in publication.editions:
        artifacts += build_edition(publication, edition, document, body, output)
    landing = output / "index.html"
    atomic.write_text(
        landing, html.render_landing(publication, _landing_entries(publication, artifacts))
    )
    log.info("Wrote %s", landing)
    return BuildResult(output=output, landing=landing, artifacts=tuple(artifacts))


def build_edition(
    publication: Publication, edition: Edition, document: Document, body: str, output: Path
) -> list[Artifact]:
    """Write one edition's files into output/<edition>/."""
    edition_dir = output / edition.id
    _copy_media(document, edition_dir)
    paths = {
        kind: edition_dir / f"{publication.slug}{EXTENSIONS[kind]}" for kind in edition.formats
    }
    links = [
        html.FormatLink(path.name, html.MEDIA_TYPES[kind], html.format_label(kind, edition.lang))
        for kind, path in paths.items()
        if kind != "html"
    ]
    if "html" in paths:
        page = html.render_page(publication, edition, document, body, links, for_print=False)
        atomic.write_text(paths["html"], page)
    if "pdf" in paths:
        source = html.render_page(publication, edition, document, body, [], for_print=True)
        pdf.write_pdf(source, paths["pdf"], paths["pdf"], document.lang_spans)
    if "epub" in paths:
        epub.write_epub(publication, edition, document, edition_dir, paths["epub"])
    for kind, path in paths.items():
        log.info("Wrote %s (%s)", path, kind)
    return [Artifact(edition.id, kind, path) for kind, path in paths.items()]


def _copy_media(document: Document, edition_dir: Path) -> None:
    for image in document.images:
        with atomic.atomic_path(edition_dir / image.src) as temp:
            shutil.copyfile(image.path, temp)


def _landing_entries(publication: Publication, artifacts: list[Artifact]) -> list[dict[str, Any]]:
    entries = []
    for edition in publication.editions:
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
                "name": language_name(edition.lang),
                "formats": formats,
            }
        )
    return entries
