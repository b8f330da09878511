"""PDF/UA-1 structure checks written with pikepdf.

This covers the machine-checkable PDF/UA-1 (Matterhorn) rules that matter for
WeasyPrint output: tagging, metadata, fonts, alternative texts, heading and
table structure, links, captions and untagged pagination content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf

from pipeline.checks import Finding
from pipeline.checks.languages import RULE, mismatch
from pipeline.render.pdf_text import (
    document_fonts,
    element_text,
    is_struct_element,
    iter_elements,
    mcid_texts,
    number_tree,
    object_key,
    own_text,
    page_indices,
    page_texts,
    struct_kids,
)

CHECKER = "pdfua"
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_HEADINGS = {f"/H{level}": level for level in range(1, 7)}
_TABLE_KIDS = {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"}
_ROW_GROUPS = {"/THead", "/TBody", "/TFoot"}
_CELLS = {"/TH", "/TD"}


@dataclass
class _Context:
    """The open PDF and the findings reported about it so far."""

    path: Path
    pdf: pikepdf.Pdf
    findings: list[Finding] = field(default_factory=list)

    def report(self, rule: str, message: str) -> None:
        """Record one error finding."""
        self.findings.append(Finding(str(self.path), CHECKER, rule, "error", message))

    @cached_property
    def root(self) -> pikepdf.Object | None:
        """Return the StructTreeRoot, if any."""
        return self.pdf.Root.get("/StructTreeRoot")

    @cached_property
    def elements(self) -> list[pikepdf.Object]:
        """Return all struct elements in reading order."""
        return list(iter_elements(self.root)) if self.root is not None else []

    @cached_property
    def parent_tree(self) -> dict[int, pikepdf.Object]:
        """Return the flattened ParentTree."""
        return number_tree(self.root.get("/ParentTree")) if self.root else {}

    @cached_property
    def role_map(self) -> dict[str, str]:
        """Return the RoleMap of custom to standard structure types."""
        if self.root is None or "/RoleMap" not in self.root:
            return {}
        return {str(key): str(value) for key, value in self.root.RoleMap.items()}

    def role(self, element: pikepdf.Object) -> str:
        """Return the standard structure type of an element via the RoleMap."""
        role, seen = str(element.get("/S", "")), set()
        while role in self.role_map and role not in seen:
            seen.add(role)
            role = self.role_map[role]
        return role

    @cached_property
    def pages(self) -> dict[object, int]:
        """Return the page index of each page object."""
        return page_indices(self.pdf)

    def text(self, element: pikepdf.Object) -> str:
        """Return the whitespace-normalised text of a struct element."""
        return " ".join(element_text(element, self._texts, self.pages).split())

    def own_text(self, element: pikepdf.Object) -> str:
        """Return the text directly in a struct element, not in its kid elements."""
        return own_text(element, self._texts, self.pages)

    @cached_property
    def _texts(self) -> dict[tuple[int, int], str]:
        return mcid_texts(self.pdf)


def check_pdf(path: Path) -> list[Finding]:
    """Check a PDF file against the PDF/UA-1 structure rules listed above."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as error:
        return [Finding(str(path), CHECKER, "unreadable", "error", str(error))]
    with pdf:
        context = _Context(path, pdf)
        for check in _CHECKS:
            check(context)
    return context.findings


# Document-level requirements ----------------------------------------------


def _check_tagged(ctx: _Context) -> None:
    mark_info = ctx.pdf.Root.get("/MarkInfo", pikepdf.Dictionary())
    if mark_info.get("/Marked") is not True:
        ctx.report("mark-info", "/MarkInfo /Marked is not true")
    if ctx.root is None:
        ctx.report("struct-tree-root", "document has no /StructTreeRoot")


def _check_metadata(ctx: _Context) -> None:
    if not str(ctx.pdf.Root.get("/Lang", "")).strip():
        ctx.report("document-lang", "catalog /Lang is missing or empty")
    preferences = ctx.pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
    if preferences.get("/DisplayDocTitle") is not True:
        ctx.report("display-doc-title", "/ViewerPreferences /DisplayDocTitle not true")
    xmp = ctx.pdf.open_metadata()
    if not str(xmp.get("dc:title", "")).strip():
        ctx.report("document-title", "XMP metadata has no dc:title")
    if str(xmp.get("pdfuaid:part", "")).strip() != "1":
        ctx.report("pdfua-identifier", "XMP metadata lacks pdfuaid:part = 1")


# The stylesheets name the shipped fonts "Pipeline Noto Sans…"; WeasyPrint keeps the name.
SHIPPED_FONT_PREFIX = "Pipeline-"


def _font_embedded(font: pikepdf.Object) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams in the font itself
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor", pikepdf.Dictionary())
    return any(key in descriptor for key in _FONT_FILES)


def _check_fonts(ctx: _Context) -> None:
    for font in document_fonts(ctx.pdf):
        name = str(font.get("/BaseFont", "(unnamed)"))
        if not name.lstrip("/").partition("+")[2].startswith(SHIPPED_FONT_PREFIX):
            # A glyph the shipped fonts lack made WeasyPrint fall back to a machine's font.
            ctx.report(
                "font-not-shipped",
                f"font {name} is not one of the shipped fonts; a character in the text has "
                "no glyph in them (use another character or ship a font that has it)",
            )
        if not _font_embedded(font):
            ctx.report("font-not-embedded", f"font {name} is not embedded")
        if not isinstance(font.get("/ToUnicode"), pikepdf.Stream):
            ctx.report("font-no-tounicode", f"font {name} has no /ToUnicode CMap")


# Structure tree ------------------------------------------------------------


def _check_figures(ctx: _Context) -> None:
    for element in ctx.elements:
        if ctx.role(element) != "/Figure":
            continue
        alt = str(element.get("/Alt", element.get("/ActualText", ""))).strip()
        if not alt:
            ctx.report("figure-alt", f"Figure without /Alt on page {_page(ctx, element)}")


def _check_headings(ctx: _Context) -> None:
    previous = 0
    for element in ctx.elements:
        level = _HEADINGS.get(ctx.role(element))
        if level is None:
            continue
        text = ctx.text(element)
        if previous == 0 and level != 1:
            ctx.report("heading-first-not-h1", f"first heading is H{level}: {text!r}")
        elif level > previous + 1 and previous:
            ctx.report("heading-skipped-level", f"H{previous} followed by H{level}: {text!r}")
        previous = level


def _struct_roles(ctx: _Context, element: pikepdf.Object) -> list[str]:
    return [ctx.role(kid) for kid in struct_kids(element) if is_struct_element(kid)]


def _check_tables(ctx: _Context) -> None:
    allowed = {"/Table": _TABLE_KIDS, "/TR": _CELLS}
    allowed.update(dict.fromkeys(_ROW_GROUPS, {"/TR"}))
    for element in ctx.elements:
        role = ctx.role(element)
        if role in allowed:
            wrong = set(_struct_roles(ctx, element)) - allowed[role]
            if wrong:
                kids = ", ".join(sorted(wrong))
                ctx.report("table-structure", f"{role[1:]} has kids {kids}")
        if role == "/Table":
            cells = (ctx.role(e) for e in iter_elements(element))
            if "/TH" not in cells:
                ctx.report("table-no-header", f"table on page {_page(ctx, element)}")


def _check_captions(ctx: _Context) -> None:
    for element in ctx.elements:
        if ctx.role(element) != "/Caption":
            continue
        parent = element.get("/P", pikepdf.Dictionary())
        kids = struct_kids(parent)
        ends = {object_key(kid) for kid in kids[:1] + kids[-1:]}
        if ctx.role(parent) in ("/Figure", "/Table") and object_key(element) in ends:
            continue
        ctx.report(
            "caption-placement",
            f"Caption {ctx.text(element)!r} is not the first or last kid of a Figure or Table",
        )


def _page(ctx: _Context, element: pikepdf.Object) -> int | str:
    page = element.get("/Pg")
    index = ctx.pages.get(object_key(page)) if page is not None else None
    return index + 1 if index is not None else "?"


# Annotations and content ---------------------------------------------------


def _link_target(annotation: pikepdf.Object) -> str:
    action = annotation.get("/A", pikepdf.Dictionary())
    return str(action.get("/URI", annotation.get("/Dest", "")))


def _check_link(ctx: _Context, annotation: pikepdf.Object, page: int) -> None:
    contents = str(annotation.get("/Contents", "")).strip()
    if not contents:
        ctx.report("link-contents", f"link on page {page} has no /Contents")
    if "/StructParent" not in annotation:
        ctx.report("link-struct-parent", f"link on page {page} has no /StructParent")
        return
    element = ctx.parent_tree.get(int(annotation.StructParent))
    if not is_struct_element(element) or ctx.role(element) != "/Link":
        ctx.report("link-struct-element", f"link on page {page} is not in a Link tag")
        return
    target = _link_target(annotation)
    if contents and contents == target and ctx.text(element) != contents:
        ctx.report(
            "link-contents-is-url",
            f"link {ctx.text(element)!r} on page {page} is described as {target!r}",
        )


def _check_links(ctx: _Context) -> None:
    for index, page in enumerate(ctx.pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") == "/Link":
                _check_link(ctx, annotation, index)


def _page_entries(ctx: _Context, page: pikepdf.Page) -> list[pikepdf.Object]:
    """Return the ParentTree array that maps a page's MCIDs to struct elements."""
    entries = ctx.parent_tree.get(int(page.obj.get("/StructParents", -1)))
    return list(entries) if isinstance(entries, pikepdf.Array) else []


def _check_marked_content(ctx: _Context) -> None:
    if ctx.root is None:
        return
    reachable = {object_key(element) for element in ctx.elements}
    for index, page in enumerate(ctx.pdf.pages, start=1):
        texts = page_texts(page)
        entries = _page_entries(ctx, page)
        unmapped, orphans = [], []
        for mcid in sorted(texts):
            entry = entries[mcid] if mcid < len(entries) else None
            if not is_struct_element(entry):
                unmapped.append(mcid)
            elif object_key(entry) not in reachable:
                orphans.append(mcid)
        if orphans:
            sample = ", ".join(repr(texts[mcid]) for mcid in orphans[:3])
            ctx.report(
                "orphan-marked-content",
                f"page {index}: MCIDs {orphans} ({sample}) map to struct elements "
                "outside the structure tree; pagination must be an artifact",
            )
        if unmapped:
            ctx.report(
                "unmapped-marked-content",
                f"page {index}: MCIDs {unmapped} have no ParentTree entry",
            )


def _check_languages(ctx: _Context) -> None:
    """Every text in the structure tree fits the language it is marked with (or inherits)."""
    if ctx.root is None:
        return
    stack = [(kid, str(ctx.pdf.Root.get("/Lang", ""))) for kid in struct_kids(ctx.root)]
    stack.reverse()
    while stack:
        element, inherited = stack.pop()
        if not is_struct_element(element):
            continue
        lang = str(element.get("/Lang", "")) or inherited
        replaced = element.get("/ActualText")  # stands for the whole element, kids and all
        texts = [str(replaced)] if replaced is not None else [ctx.own_text(element)]
        if "/Alt" in element:
            texts.append(str(element.Alt))
        for text in texts:
            if problem := mismatch(text, lang):
                where = f"{ctx.role(element)[1:]} element on page {_page(ctx, element)}"
                ctx.report(RULE, f"{where}: {problem}; give it /Lang")
        if replaced is None:
            stack += [(kid, lang) for kid in reversed(struct_kids(element))]


_CHECKS: tuple[Callable[[_Context], None], ...] = (
    _check_tagged,
    _check_metadata,
    _check_fonts,
    _check_figures,
    _check_headings,
    _check_tables,
    _check_captions,
    _check_links,
    _check_marked_content,
    _check_languages,
)
