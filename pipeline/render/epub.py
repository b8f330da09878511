"""EPUB 3 from the pandoc AST, with truthful accessibility metadata in the edition's language."""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uharfbuzz as hb

from pipeline import atomic, pandoc
from pipeline.config import Edition, Publication
from pipeline.errors import ToolError
from pipeline.i18n import UiText, translations, ui_text
from pipeline.localize import EditionText
from pipeline.render.html import FONTS, TEMPLATES, draft_notice, notice_label
from pipeline.source import Document, marked, walk

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def accessibility_metadata(document: Document, lang: str) -> dict[str, object]:
    """Derive the schema.org accessibility metadata from what the document contains."""
    _ = translations(lang).gettext
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    features += ["displayTransformability"]
    modes = ["textual"]
    summary = [
        _(
            "A text of {words} words in {sections} sections, with a table of contents"
            " and headings for navigation."
        ).format(words=_word_count(document), sections=len(document.headings))
    ]
    if document.images:
        modes.append("visual")
        features.append("alternativeText")
        summary.append(_("Every image has a text alternative."))
    if document.has_tables:
        summary.append(_("Tables have header cells."))
    return {
        "accessModes": modes,
        # Every image has alt text (the source loader refuses images without it).
        "accessModeSufficient": ["textual"],
        "accessibilityFeatures": features,
        "accessibilityHazards": ["none"],
        "accessibilitySummary": " ".join(summary),
    }


def write_epub(edition: Edition, text: EditionText, edition_dir: Path, target: Path) -> None:
    """Write the edition's EPUB 3 with pandoc, then localize what pandoc leaves in English."""
    _ = translations(edition.lang).gettext
    publication, document = text.publication, text.document
    notice = draft_notice(text, edition.lang)
    metadata: dict[str, object] = {
        "title": publication.title,
        "subtitle": publication.subtitle,
        "lang": edition.lang,
        "dir": edition.dir,
        "publisher": publication.publisher,
        "author": publication.publisher,
        "date": publication.date.isoformat(),
        "identifier": _identifier(publication, edition),
        "toc-title": _("Contents"),
        "page-progression-direction": edition.dir,
        **accessibility_metadata(document, edition.lang),
    }
    label = notice_label(text, edition.lang)
    if notice:
        metadata |= {"description": notice, "subject": ["draft", label]}
    with tempfile.TemporaryDirectory() as scratch:
        args = [
            f"--css={TEMPLATES / 'epub.css'}",
            "--toc",
            "--toc-depth=3",
            "--split-level=1",
            *(f"--epub-embed-font={font}" for font in sorted(FONTS.glob("NotoSans*.ttf"))),
        ]
        if text.easy:  # Leichte Sprache: its own font, sizes and spacing
            args.append(f"--css={TEMPLATES / 'epub-easy.css'}")
            args += [f"--epub-embed-font={f}" for f in sorted(FONTS.glob("Atkinson*.ttf"))]
        ast = _chapters(document, notice, label)
        # Literal strings: a title or notice is never read as Markdown or raw HTML.
        ast["meta"] = {k: _meta_value(v) for k, v in metadata.items() if v is not None}
        raw = Path(scratch) / "raw.epub"
        pandoc.write_epub(ast, raw, edition_dir, args)
        with atomic.atomic_path(target) as temp:
            _localize(raw, temp, edition, publication.date)


def add_conformance_claim(epub: Path) -> None:
    """Declare EPUB Accessibility 1.1 conformance in the package document, atomically."""
    claim = f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>'

    def stamp(name: str, text: str) -> str:
        if not name.endswith(".opf") or CONFORMS_TO in text:
            return text
        return text.replace("</metadata>", f"    {claim}\n  </metadata>", 1)

    with atomic.atomic_path(epub) as temp:
        _rewrite(epub, temp, stamp)


def has_conformance_claim(epub: Path) -> bool:
    """Tell whether an EPUB declares conformance to EPUB Accessibility."""
    with zipfile.ZipFile(epub) as archive:
        opf = next(n for n in archive.namelist() if n.endswith(".opf"))
        return CONFORMS_TO in archive.read(opf).decode("utf-8")


def _localize(raw: Path, target: Path, edition: Edition, date: dt.date) -> None:
    lang = edition.lang
    labels = {
        ">Title Page<": f">{ui_text('Title page', lang).__html__()}<",
        ">Table of Contents<": f">{ui_text('Table of contents', lang).__html__()}<",
        ">Cover<": f">{ui_text('Title page', lang).__html__()}<",
    }

    def fix(name: str, text: str) -> str:
        if name.endswith(".opf"):
            # The edition's date, not the build's time: the same text makes the same file.
            modified = f"{date.isoformat()}T00:00:00Z"
            text = re.sub(r'(dcterms:modified">)[^<]*', rf"\g<1>{modified}", text)
        if name.endswith(".xhtml"):
            # pandoc's template sets lang but not dir on each document.
            text = re.sub(
                r"<html\b[^>]*", lambda tag: f'{tag[0]} dir="{edition.dir}"', text, count=1
            )
        if name.endswith("nav.xhtml"):
            for english, local in labels.items():
                text = text.replace(english, local)
            text = text.replace('<nav epub:type="landmarks"', _landmarks_label(lang), 1)
            # The contents' title, marked English where it falls back (pandoc cannot mark it).
            contents = ui_text("Contents", lang).__html__()
            text = re.sub(
                r'(<h1 id="toc-title">)[^<]*(</h1>)', lambda m: m[1] + contents + m[2], text
            )
        # pandoc names a chapter after its file unless it starts with a level-1 heading.
        heading = re.search(r"<h[1-6][^>]*>(.*?)</h[1-6]>", text, re.DOTALL)
        if heading and re.search(r"<title>ch\d+\.xhtml</title>", text):
            title = re.sub(r"<[^>]+>", "", heading.group(1)).strip()
            text = re.sub(r"<title>ch\d+\.xhtml</title>", lambda _: f"<title>{title}</title>", text)
        return text

    localized = raw.with_name("localized.epub")
    _rewrite(raw, localized, fix, date=date)
    # Subset last, so the fonts also cover the translated navigation labels.
    _rewrite(localized, target, lambda _, text: text, fonts=_subsetter(localized), date=date)


def _subsetter(epub: Path) -> Callable[[bytes], bytes]:
    """Return a function that cuts a font down to the characters the e-book uses."""
    # Whole Noto Sans fonts would make a short text a 1 MB download on a phone.
    with zipfile.ZipFile(epub) as archive:
        documents = [n for n in archive.namelist() if n.endswith(".xhtml")]
        text = "".join(html.unescape(archive.read(n).decode("utf-8")) for n in documents)
    characters = {ord(c) for c in text} | set(range(0x20, 0x7F))

    def subset(data: bytes) -> bytes:
        # HarfBuzz's subsetter: fontTools' took half a second per font of a long text.
        plan = hb.SubsetInput()
        plan.unicode_set.update(characters)
        for names in (hb.SubsetInputSets.NAME_ID, hb.SubsetInputSets.NAME_LANG_ID):
            plan.sets(names).invert()  # keep every name record: the licence is one
        plan.flags = hb.SubsetFlags.NOTDEF_OUTLINE
        font = hb.subset(hb.Face(data), plan)
        if font is None:
            raise ToolError("HarfBuzz could not subset a font of the e-book", epub)
        return bytes(font.blob.data)

    return subset


def _landmarks_label(lang: str) -> str:
    label = html.escape(translations(lang).gettext("Landmarks"))
    return f'<nav epub:type="landmarks" aria-label="{label}"'


def _rewrite(
    source: Path,
    target: Path,
    fix: Callable[[str, str], str],
    fonts: Callable[[bytes], bytes] | None = None,
    date: dt.date | None = None,
) -> None:
    # The mimetype entry must stay first and uncompressed, or the EPUB is invalid.
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith((".xhtml", ".opf")):
                data = fix(info.filename, data.decode("utf-8")).encode("utf-8")
            elif fonts and info.filename.endswith(".ttf"):
                data = fonts(data)
            if date:
                info.date_time = (date.year, date.month, date.day, 0, 0, 0)
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            new.writestr(info, data, compress_type=compress)


def _chapters(document: Document, notice: UiText, notice_title: UiText) -> dict[str, Any]:
    """Return the AST with each top section as a chapter, headed by a level-1 heading.

    A draft edition opens with a chapter that says so.
    """
    # In the e-book the title has a page of its own, and each chapter is its own document.
    ast = copy.deepcopy(document.ast)
    for node in walk(ast["blocks"]):
        if node["t"] == "Header":
            node["c"][0] -= 1
    if notice:
        heading = ["draft-notice", [], []], marked(notice_title, [_str(notice_title)])
        ast["blocks"][:0] = [
            {"t": "Header", "c": [1, *heading]},
            {"t": "Para", "c": marked(notice, [_str(notice)])},
        ]
    return ast


def _str(text: str) -> dict[str, Any]:
    return {"t": "Str", "c": str(text)}


def _meta_value(value: object) -> dict[str, Any]:
    """Return a metadata value as pandoc AST metadata, strings as literal text."""
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    if isinstance(value, str):
        return {"t": "MetaString", "c": value}
    if isinstance(value, list):
        return {"t": "MetaList", "c": [_meta_value(item) for item in value]}
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {key: _meta_value(item) for key, item in value.items()}}
    raise TypeError(f"no pandoc metadata for {value!r}")


def _identifier(publication: Publication, edition: Edition) -> str:
    # Stable across builds of the same edition, so reading systems keep bookmarks.
    name = f"{publication.slug}/{publication.version}/{edition.id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _word_count(document: Document) -> int:
    return sum(1 for node in walk(document.ast["blocks"]) if node["t"] == "Str")
