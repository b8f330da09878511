"""Close the PDF/UA-1 gaps that WeasyPrint 70 leaves in its tagged output.

WeasyPrint writes a usable structure tree, but these things fall short of
PDF/UA-1 and of veraPDF's WCAG 2.2 machine profile: margin-box content (page
numbers, running headers) is tagged content mapped to struct elements outside
the tree; an empty text box (the space after a link) becomes an empty Span;
`lang` on inline elements is dropped; link annotations describe themselves
with their URL; and a figure caption is a sibling of its figure instead of
part of it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pikepdf

from pipeline.errors import PipelineError
from pipeline.render.pdf_actualtext import fix_right_to_left_text
from pipeline.render.pdf_text import (
    element_text,
    element_texts,
    form_xobjects,
    is_struct_element,
    iter_elements,
    marked_content_id,
    mcid_texts,
    number_tree,
    object_key,
    page_indices,
    set_number,
    struct_kids,
)

LOG = logging.getLogger(__name__)

_HYPHENS = ("-", "\u2010")
_TARGETS = ("/Figure", "/Table")


@dataclass
class _Doc:
    """What every fix needs to know about the tagged document."""

    pdf: pikepdf.Pdf
    root: pikepdf.Object
    texts: dict[tuple[int, int], str]
    pages: dict[object, int]

    def text(self, element: pikepdf.Object) -> str:
        """Return the text of a struct element."""
        return element_text(element, self.texts, self.pages)

    def parent_tree(self) -> dict[int, pikepdf.Object]:
        """Return the ParentTree as it is now (fixes change it)."""
        return number_tree(self.root.get("/ParentTree"))


def close_pdfua_gaps(
    pdf: pikepdf.Pdf,
    lang_spans: Sequence[tuple[str, str]],
    alt_languages: Mapping[str, str] | None = None,
) -> None:
    """Fix pagination artifacts, span languages, link texts and figure captions.

    `lang_spans`: (language, text) of each element of the page marked with its own
    language, in document order; `alt_languages`: alt text -> language, for the images
    whose alt text is in another language than the page.
    """
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        LOG.warning("PDF has no structure tree; PDF/UA fixes skipped")
        return
    doc = _Doc(pdf, root, mcid_texts(pdf), page_indices(pdf))
    _mark_pagination_artifacts(doc)
    _drop_empty_spans(doc)
    _wrap_list_bodies(doc)
    _tie_captions(doc)
    _set_span_languages(doc, lang_spans)
    _set_figure_languages(doc, alt_languages or {})
    _repeat_header_languages(doc)
    _set_link_contents(doc)
    fix_right_to_left_text(pdf)
    stable_image_names(pdf)


# Reproducible output ---------------------------------------------------------

_URL_NAMED = re.compile(r"/i[0-9a-f]{32,}")  # WeasyPrint names an image by its URL's MD5


def stable_image_names(pdf: pikepdf.Pdf) -> None:
    """Name each image XObject by its content, not by the file URL it came from.

    The URL holds the build's directory, so the same publication built elsewhere would
    differ in these names (and in the document ID that is derived from the content).
    """
    owners: list[pikepdf.Object] = [page.obj for page in pdf.pages]
    for page in pdf.pages:
        owners += form_xobjects(page.obj.get("/Resources", pikepdf.Dictionary()))
    renames: dict[str, str] = {}  # in document order, so that the names are the same anywhere
    for owner in owners:
        xobjects = owner.get("/Resources", pikepdf.Dictionary()).get("/XObject")
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        for name in list(xobjects.keys()):
            if _URL_NAMED.fullmatch(str(name)) and str(name) not in renames:
                digest = hashlib.sha256(xobjects[name].read_raw_bytes()).hexdigest()[:16]
                new = f"/Im{digest}"
                while new in renames.values():
                    new += "x"
                renames[str(name)] = new
    if not renames:
        return
    done: set[object] = set()
    new_names = set(renames.values())
    for owner in owners:
        xobjects = owner.get("/Resources", pikepdf.Dictionary()).get("/XObject")
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        if object_key(xobjects) not in done:  # resources may be shared between pages
            done.add(object_key(xobjects))
            for name in [str(n) for n in xobjects.keys() if str(n) in renames]:
                xobjects[renames[name]] = xobjects[name]
                del xobjects[name]
        if any(str(n) in new_names for n in xobjects.keys()):  # only a page that shows one
            _rename_in_content(pdf, owner, renames)


def _rename_in_content(pdf: pikepdf.Pdf, owner: pikepdf.Object, renames: dict[str, str]) -> None:
    instructions = list(pikepdf.parse_content_stream(owner))
    changed = False
    for index, instruction in enumerate(instructions):
        if str(instruction.operator) == "Do" and str(instruction.operands[0]) in renames:
            new = pikepdf.Name(renames[str(instruction.operands[0])])
            instructions[index] = pikepdf.ContentStreamInstruction([new], instruction.operator)
            changed = True
    if not changed:
        return
    data = pikepdf.unparse_content_stream(instructions)
    if isinstance(owner, pikepdf.Stream):
        owner.write(data)
    else:
        owner.Contents = pdf.make_stream(data)


# List items -----------------------------------------------------------------


def _wrap_list_bodies(doc: _Doc) -> None:
    """Give each LI only an Lbl and an LBody (PDF/UA-1 7.2-20).

    WeasyPrint puts an item's paragraphs, or its sub-list, beside the Lbl; they move into
    an LBody of their own, in the same order.
    """
    for item in [e for e in iter_elements(doc.root) if e.get("/S") == "/LI"]:
        kids = struct_kids(item)
        loose = [k for k in kids if is_struct_element(k) and k.get("/S") not in ("/Lbl", "/LBody")]
        if not loose:
            continue
        body = doc.pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item)
        )
        for kid in loose:
            kid.P = body
        body.K = pikepdf.Array(loose)
        moved = {object_key(k) for k in loose}
        at = next(i for i, k in enumerate(kids) if is_struct_element(k) and object_key(k) in moved)
        rest = [k for k in kids if not (is_struct_element(k) and object_key(k) in moved)]
        item.K = pikepdf.Array([*rest[:at], body, *rest[at:]])


# a. Pagination artifacts ---------------------------------------------------


def _mark_pagination_artifacts(doc: _Doc) -> None:
    """Turn marked content mapped to unreachable struct elements into artifacts."""
    reachable = {object_key(element) for element in iter_elements(doc.root)}
    parent_tree = doc.parent_tree()
    for page in doc.pdf.pages:
        entries = parent_tree.get(int(page.obj.get("/StructParents", -1)))
        if not isinstance(entries, pikepdf.Array):
            continue
        orphans = {
            mcid
            for mcid, entry in enumerate(entries)
            if is_struct_element(entry) and object_key(entry) not in reachable
        }
        if not orphans:
            continue
        _rewrite_page(doc.pdf, page, orphans)
        for mcid in orphans:
            # The orphan elements lose their last reference and are not saved.
            entries[mcid] = None
        LOG.debug("page %s: %d MCIDs made artifacts", page.index, len(orphans))


def _rewrite_page(
    pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int], kind: str = "/Pagination"
) -> None:
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    data = _artifact_stream(page.obj, resources, orphans, kind)
    if data is not None:
        page.obj.Contents = pdf.make_stream(data)
    # Margin boxes with opacity are drawn in groups that share page MCIDs.
    for xobject in form_xobjects(resources):
        data = _artifact_stream(xobject, xobject.get("/Resources", resources), orphans, kind)
        if data is not None:
            xobject.write(data)


def _artifact_stream(
    stream: pikepdf.Object, resources: pikepdf.Object, orphans: set[int], kind: str
) -> bytes | None:
    """Return the stream with orphan MCIDs as artifacts of `kind`, or None if unchanged."""
    instructions = list(pikepdf.parse_content_stream(stream))
    changed = False
    for index, instruction in enumerate(instructions):
        if str(instruction.operator) != "BDC":
            continue
        if marked_content_id(list(instruction.operands), resources) in orphans:
            properties = pikepdf.Dictionary(Type=pikepdf.Name(kind))
            instructions[index] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact, properties], pikepdf.Operator("BDC")
            )
            changed = True
    return pikepdf.unparse_content_stream(instructions) if changed else None


def _drop_empty_spans(doc: _Doc) -> None:
    """Remove Span elements that mark no text, and make their content artifacts.

    WeasyPrint tags an empty text box, such as the space it keeps after a link at the
    end of a line, as a Span of its own. veraPDF's WCAG 2.2 machine profile counts it
    as a redundant span (4.1.2-17); a screen reader meets an empty element.
    """
    parent_tree = doc.parent_tree()
    empty: dict[int, set[int]] = {}  # page index -> MCIDs
    spans = [e for e in iter_elements(doc.root) if e.get("/S") == "/Span"]
    for element in reversed(spans):  # inner spans first: an outer one may be left empty
        kids = struct_kids(element)
        index = doc.pages.get(object_key(element.get("/Pg")))
        if (
            (kids and index is None)
            or not all(isinstance(kid, int) for kid in kids)
            or "/ActualText" in element
            or "/Alt" in element
            or doc.text(element) != ""
        ):
            continue
        if kids and index is not None:
            empty.setdefault(index, set()).update(int(kid) for kid in kids)
        parent = element.P
        siblings = _kids_array(parent)
        keys = [object_key(kid) for kid in siblings]
        del siblings[keys.index(object_key(element))]
        _prune_empty(parent)
    for page_index, mcids in empty.items():
        page = doc.pdf.pages[page_index]
        _rewrite_page(doc.pdf, page, mcids, kind="/Layout")
        entries = parent_tree.get(int(page.obj.get("/StructParents", -1)))
        if isinstance(entries, pikepdf.Array):
            for mcid in mcids:
                entries[mcid] = None
    if empty:
        LOG.debug("%d empty marked-content sequences made artifacts", sum(map(len, empty.values())))


# b. Language of parts ------------------------------------------------------


def _match_key(text: str) -> str:
    """Normalise text so that PDF and HTML text of a span compare equal."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return re.sub(r"\s+", "", text).casefold()


@dataclass
class _Span:
    element: pikepdf.Object
    key: str
    ancestors: frozenset[object]


def _non_leaf_spans(doc: _Doc) -> list[_Span]:
    """List non-leaf Span elements depth-first with their Span ancestors."""
    result: list[_Span] = []

    def visit(node: pikepdf.Object, ancestors: frozenset[object]) -> None:
        for kid in struct_kids(node):
            if not is_struct_element(kid):
                continue
            inner = ancestors
            if kid.S == "/Span" and any(map(is_struct_element, struct_kids(kid))):
                result.append(_Span(kid, _match_key(doc.text(kid)), ancestors))
                inner = ancestors | {object_key(kid)}
            visit(kid, inner)

    visit(doc.root, frozenset())
    return result


def _consume(spans: list[_Span], start: int, expected: str, used: set[object]) -> list[_Span]:
    """Match the spans from `start` whose texts concatenate to `expected`."""
    parts: list[_Span] = []
    remaining = expected
    wrapper: object = None  # a span holding the rest and more: the next part is inside it
    for span in spans[start:]:
        part_keys = {object_key(part.element) for part in parts}
        if object_key(span.element) in used or span.ancestors & part_keys:
            continue  # nested in a part already matched, or taken
        if not span.key:
            continue
        key = span.key
        if not remaining.startswith(key) and key.endswith(_HYPHENS):
            key = key[:-1]  # a hyphen added where the span broke across lines
        if wrapper is not None and wrapper not in span.ancestors:
            return []
        if parts and key != remaining and key.startswith(remaining):
            wrapper = object_key(span.element)  # the rest of an outer span's line
            continue
        if not remaining.startswith(key):
            return []
        wrapper = None
        parts.append(span)
        remaining = remaining[len(key) :]
        if not remaining:
            return parts
    return []


def _set_span_languages(doc: _Doc, lang_spans: Sequence[tuple[str, str]]) -> None:
    """Set /Lang on the Span elements made from HTML spans with a lang attribute.

    Text in another language that fills a whole element (an untranslated heading, a
    contents entry) has no Span of its own: the element takes /Lang. Of a Span and an
    element that both fit, the one that comes first in reading order (from the last part
    on) is the part's. A part that fits nothing is an error: it would be read wrongly.
    """
    if not lang_spans:
        return
    spans = _non_leaf_spans(doc)
    index = _Index.of(doc)
    used: set[object] = set()
    position, last = 0, -1  # the next Span to try, the reading order of the last part
    for lang, text in lang_spans:
        expected = _match_key(text)
        if not expected:
            LOG.info("empty span with lang=%s has no content to tag", lang)
            continue
        match = _find_span(spans, position, expected, used)
        element = index.element(expected, used, lang, last)
        if element is not None and (
            match is None or index.at(element) < index.at(match[1][0].element)
        ):
            element.Lang = pikepdf.String(lang)
            last = index.at(element)
            # The Spans inside that hold the same text are this part; others may be parts.
            inside = [element, *iter_elements(element)]
            used.update(object_key(e) for e in inside if index.text(e) == expected)
            continue
        if match is None:
            raise PdfLanguageError(
                f"the text {text[:80]!r} (lang={lang}) has no element of its own in the PDF's "
                "structure tree, so it cannot be marked with its language; please report this "
                "with the source paragraph that holds it"
            )
        position, parts = match
        last = index.at(parts[0].element)
        for part in parts:
            part.element.Lang = pikepdf.String(lang)
            used.add(object_key(part.element))


@dataclass
class _Index:
    """Every struct element by its whole text, and its place in reading order."""

    by_text: dict[str, list[pikepdf.Object]]
    order: dict[object, tuple[int, str]]  # object key -> (reading order, text key)

    @classmethod
    def of(cls, doc: _Doc) -> _Index:
        by_text: dict[str, list[pikepdf.Object]] = {}
        order: dict[object, tuple[int, str]] = {}
        for place, (each, whole) in enumerate(element_texts(doc.root, doc.texts, doc.pages)):
            key = _match_key(whole)
            by_text.setdefault(key, []).append(each)
            order[object_key(each)] = (place, key)
        return cls(by_text, order)

    def at(self, element: pikepdf.Object) -> int:
        return self.order.get(object_key(element), (-1, ""))[0]

    def text(self, element: pikepdf.Object) -> str:
        return self.order.get(object_key(element), (-1, ""))[1]

    def element(
        self, expected: str, used: set[object], lang: str, last: int
    ) -> pikepdf.Object | None:
        """Find the outermost element whose whole text is `expected`, not used, not inside
        an element already in `lang` (a link in an untranslated paragraph); one after the
        last part if there is one."""
        fitting = [
            e
            for e in self.by_text.get(expected, [])  # in reading order: outer ones first
            if object_key(e) not in used and not _inside(e, lang)
        ]
        later = [e for e in fitting if self.at(e) >= last]
        return (later or fitting)[0] if fitting else None


class PdfLanguageError(PipelineError):
    """A part of the page in another language has no struct element to carry its /Lang."""


def _set_figure_languages(doc: _Doc, alt_languages: Mapping[str, str]) -> None:
    """Give each Figure whose alt text is in another language that language."""
    if not alt_languages:
        return
    wanted = {_match_key(alt): lang for alt, lang in alt_languages.items()}
    for element in iter_elements(doc.root):
        if element.get("/S") == "/Figure" and "/Alt" in element:
            lang = wanted.get(_match_key(str(element.Alt)))
            if lang:
                element.Lang = pikepdf.String(lang)


def _find_span(
    spans: list[_Span], position: int, expected: str, used: set[object]
) -> tuple[int, list[_Span]] | None:
    """Find the first match at or after `position`; return the next position."""
    for start in range(position, len(spans)):
        key = spans[start].key
        if not key or not expected.startswith(key.rstrip("".join(_HYPHENS)) or key):
            continue  # cannot begin the text: the quick test that keeps this linear
        if object_key(spans[start].element) in used:
            continue
        parts = _consume(spans, start, expected, used)
        if parts:
            # Nested lang spans come after their outer span's first part.
            return start + 1, parts
    return None


def _inside(element: pikepdf.Object, lang: str) -> bool:
    """Tell whether an ancestor of `element` is marked with `lang`."""
    parent, seen = element.get("/P"), set()
    while isinstance(parent, pikepdf.Dictionary) and object_key(parent) not in seen:
        if str(parent.get("/Lang", "")) == lang:
            return True
        seen.add(object_key(parent))
        parent = parent.get("/P")
    return False


def _repeat_header_languages(doc: _Doc) -> None:
    """Give a table head that the layout repeated on a new page its first's languages.

    WeasyPrint continues a table on the next page as a Table of its own and repeats the
    head there; the page's HTML has the head once, so only the first got /Lang.
    """
    first: dict[str, pikepdf.Object] = {}
    for head in (e for e in iter_elements(doc.root) if e.get("/S") == "/THead"):
        key = _match_key(doc.text(head))
        original = first.setdefault(key, head)
        if original is head:
            continue
        pairs = list(zip(iter_elements(original), iter_elements(head), strict=False))
        for source, copy in pairs:
            if "/Lang" in source and source.get("/S") == copy.get("/S"):
                copy.Lang = source.Lang


# c. Link annotation /Contents ----------------------------------------------


def _link_target(element: pikepdf.Object) -> str | None:
    """Return the URI or destination of the annotation a Link element owns."""
    for kid in struct_kids(element):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            annotation = kid.Obj
            action = annotation.get("/A", pikepdf.Dictionary())
            target = action.get("/URI", annotation.get("/Dest"))
            return str(target) if target is not None else None
    return None


def _link_run(element: pikepdf.Object) -> list[pikepdf.Object]:
    """Return the sibling Link elements that make up one link broken over lines."""
    siblings = struct_kids(element.P)
    keys = [object_key(kid) if is_struct_element(kid) else None for kid in siblings]
    index = keys.index(object_key(element))
    target = _link_target(element)

    def same(i: int) -> bool:
        kid = siblings[i]
        return is_struct_element(kid) and kid.S == "/Link" and _link_target(kid) == target

    first, last = index, index
    while first > 0 and same(first - 1):
        first -= 1
    while last < len(siblings) - 1 and same(last + 1):
        last += 1
    return siblings[first : last + 1]


def _link_text(doc: _Doc, element: pikepdf.Object) -> str:
    """Return the visible text of a link, or the alt text of its images."""
    run = _link_run(element) if "/P" in element else [element]
    text = " ".join(doc.text(part) for part in run)
    text = " ".join(text.split())
    if text:
        return text
    alts = (str(e.get("/Alt", "")) for part in run for e in iter_elements(part))
    return " ".join(alt for alt in alts if alt)


def _objr_index(owner: pikepdf.Object, annotation: pikepdf.Object) -> int | None:
    for index, kid in enumerate(struct_kids(owner)):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            if object_key(kid.Obj) == object_key(annotation):
                return index
    return None


def _prune_empty(element: pikepdf.Object) -> None:
    """Drop NonStruct elements left without kids, walking up the tree."""
    while element.get("/S") == "/NonStruct" and not struct_kids(element):
        parent = element.P
        kids = _kids_array(parent)
        keys = [object_key(kid) for kid in kids]
        del kids[keys.index(object_key(element))]
        element = parent


def _rehome(doc: _Doc, annotation: pikepdf.Object, owner: pikepdf.Object) -> pikepdf.Object | None:
    """Move a link annotation owned by a non-Link element into its Link ancestor.

    WeasyPrint gives every inline child of <a> (em, img, br) its own annotation,
    owned by a NonStruct or Figure; PDF/UA wants the Link element to own it.
    """
    link = owner.get("/P")
    while is_struct_element(link) and link.S != "/Link":
        link = link.get("/P")
    index = _objr_index(owner, annotation)
    if not is_struct_element(link) or index is None:
        return None
    kids = _kids_array(owner)
    _kids_array(link).append(kids[index])
    del kids[index]
    set_number(doc.root.ParentTree, int(annotation.StructParent), link)
    _prune_empty(owner)
    return link


def _set_link_contents(doc: _Doc) -> None:
    """Replace the URL in each link annotation's /Contents by the link's text."""
    parent_tree = doc.parent_tree()
    for page in doc.pdf.pages:
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") != "/Link":
                continue
            element = parent_tree.get(int(annotation.get("/StructParent", -1)))
            if is_struct_element(element) and element.S != "/Link":
                element = _rehome(doc, annotation, element)
            if not is_struct_element(element):
                LOG.warning("link annotation on page %d has no Link tag", page.index)
                continue
            text = _link_text(doc, element)
            if not text:
                LOG.warning("link on page %d has no text or alt text", page.index)
                continue
            annotation.Contents = pikepdf.String(text)


# d. Figure captions --------------------------------------------------------


def _caption_target(element: pikepdf.Object) -> pikepdf.Object | None:
    """Return the Figure or Table an element is or wraps through NonStruct."""
    if element.S in _TARGETS:
        return element
    if element.S != "/NonStruct":
        return None
    for kid in struct_kids(element):
        if is_struct_element(kid) and (found := _caption_target(kid)) is not None:
            return found
    return None


def _kids_array(element: pikepdf.Object) -> pikepdf.Object:
    """Make /K an array so that kids can be added to it."""
    if not isinstance(element.get("/K"), pikepdf.Array):
        element.K = pikepdf.Array(struct_kids(element))
    return element.K


def _tie_caption(caption: pikepdf.Object) -> bool:
    """Move a caption into the nearest sibling Figure or Table."""
    wrapper = caption.P
    kids = _kids_array(wrapper)
    position = [object_key(kid) for kid in kids].index(object_key(caption))
    targets = [
        (index, target)
        for index, kid in enumerate(kids)
        if index != position
        and is_struct_element(kid)
        and (target := _caption_target(kid)) is not None
    ]
    before = [item for item in targets if item[0] < position]
    after = [item for item in targets if item[0] > position]
    if not before and not after:
        return False
    # The caption goes to the end it is nearest to, keeping reading order.
    target = before[-1][1] if before else after[0][1]
    del kids[position]
    target_kids = _kids_array(target)
    if before:
        target_kids.append(caption)
    else:
        target_kids.insert(0, caption)
    caption.P = target
    wrapper.S = pikepdf.Name.Div
    return True


def _role_of_parent(element: pikepdf.Object) -> str | None:
    parent = element.get("/P")
    return str(parent.S) if is_struct_element(parent) else None


def _tie_captions(doc: _Doc) -> None:
    """Make each figure caption a kid of its Figure and the figure wrapper a Div."""
    captions = [
        element
        for element in iter_elements(doc.root)
        if element.S == "/Caption" and _role_of_parent(element) == "/NonStruct"
    ]
    for caption in captions:
        if not _tie_caption(caption):
            # E.g. a <figure> split over two pages; check_pdf will report it.
            LOG.warning("caption %r has no Figure or Table to join", doc.text(caption))
