"""Decode the text of marked-content sequences in a tagged PDF.

Tagged PDFs map each marked-content sequence (MCID) of a page to a struct
element; to reason about the structure tree we need the text each MCID shows.
The decoder reads Tj/TJ/'/" strings and maps them to Unicode through the
font's /ToUnicode CMap, which is what WeasyPrint writes for its Type0 fonts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

import pikepdf

LOG = logging.getLogger(__name__)

_HEX = r"<([0-9A-Fa-f\s]*)>"
_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rf"{_HEX}\s*{_HEX}")
_RANGE = re.compile(rf"{_HEX}\s*{_HEX}\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])")
_TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})


def _hex_bytes(text: str) -> bytes:
    return bytes.fromhex(re.sub(r"\s", "", text))


def _utf16(text: str) -> str:
    return _hex_bytes(text).decode("utf-16-be", errors="replace")


@dataclass
class FontDecoder:
    """Maps the character codes of one font to Unicode text."""

    code_length: int
    mapping: dict[int, str] = field(default_factory=dict)

    def decode(self, data: bytes) -> str:
        """Return the Unicode text of a string shown with this font."""
        n = self.code_length
        codes = (int.from_bytes(data[i : i + n], "big") for i in range(0, len(data), n))
        return "".join(self.mapping.get(code, "\ufffd") for code in codes)


def parse_to_unicode(cmap: bytes) -> dict[int, str]:
    """Parse the bfchar and bfrange sections of a ToUnicode CMap."""
    text = cmap.decode("latin-1")
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(text):
        for src, dst in _PAIR.findall(block):
            mapping[int.from_bytes(_hex_bytes(src), "big")] = _utf16(dst)
    for block in _BFRANGE.findall(text):
        for lo, hi, dst in _RANGE.findall(block):
            first, last = (int.from_bytes(_hex_bytes(v), "big") for v in (lo, hi))
            if dst.startswith("["):
                for offset, item in enumerate(re.findall(_HEX, dst)):
                    mapping[first + offset] = _utf16(item)
                continue
            # A range increments the last UTF-16 code unit of the destination.
            base = _hex_bytes(dst[1:-1])
            for offset in range(last - first + 1):
                end = int.from_bytes(base[-2:], "big") + offset
                unit = base[:-2] + end.to_bytes(2, "big")
                mapping[first + offset] = unit.decode("utf-16-be", errors="replace")
    return mapping


def font_decoder(font: pikepdf.Object) -> FontDecoder:
    """Build a decoder for a font dictionary from its /ToUnicode CMap."""
    # WeasyPrint's Type0 fonts use Identity-H style two-byte codes.
    code_length = 2 if font.get("/Subtype") == "/Type0" else 1
    to_unicode = font.get("/ToUnicode")
    if not isinstance(to_unicode, pikepdf.Stream):
        LOG.debug("font %s has no ToUnicode CMap", font.get("/BaseFont"))
        return FontDecoder(code_length)
    return FontDecoder(code_length, parse_to_unicode(to_unicode.read_bytes()))


def _key(obj: object) -> object:
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return obj.objgen
    # Direct objects have no identity (each access makes a new wrapper).
    return obj.unparse() if isinstance(obj, pikepdf.Object) else obj


@dataclass
class _Walker:
    """Collects the text of every MCID while walking content streams."""

    texts: dict[int, str] = field(default_factory=dict)
    fonts: dict[object, FontDecoder] = field(default_factory=dict)
    visited: set[object] = field(default_factory=set)

    def decoder(self, resources: pikepdf.Object, name: object) -> FontDecoder | None:
        """Return the (cached) decoder for a font resource name."""
        font = resources.get("/Font", pikepdf.Dictionary()).get(str(name))
        if font is None:
            return None
        key = _key(font)
        if key not in self.fonts:
            self.fonts[key] = font_decoder(font)
        return self.fonts[key]

    def walk(self, stream: pikepdf.Object, resources: pikepdf.Object, mcid: int | None) -> None:
        """Walk one content stream (a page or a form XObject)."""
        # A form drawn inside a marked sequence starts inside that MCID.
        marks: list[int | None] = [mcid]
        fonts: list[FontDecoder | None] = [None]
        for instruction in pikepdf.parse_content_stream(stream):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            self._step(instruction, resources, marks, fonts)

    def _step(
        self,
        instruction: pikepdf.ContentStreamInstruction,
        resources: pikepdf.Object,
        marks: list[int | None],
        fonts: list[FontDecoder | None],
    ) -> None:
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator in ("BDC", "BMC"):
            mcid = marked_content_id(operands, resources)
            marks.append(mcid)
            if mcid is not None:
                self.texts.setdefault(mcid, "")
        elif operator == "EMC" and len(marks) > 1:
            marks.pop()
        elif operator == "q":
            fonts.append(fonts[-1])
        elif operator == "Q" and len(fonts) > 1:
            fonts.pop()
        elif operator == "Tf":
            fonts[-1] = self.decoder(resources, operands[0])
        elif operator in _TEXT_OPERATORS:
            self._show(operands, fonts[-1], _current(marks))
        elif operator == "Do":
            self._form(resources, operands[0], _current(marks))

    def _show(self, operands: Sequence[object], font: FontDecoder | None, mcid: int | None) -> None:
        if mcid is None or font is None:
            return
        for operand in operands:
            items = operand if isinstance(operand, pikepdf.Array) else [operand]
            for item in items:
                if isinstance(item, pikepdf.String):
                    self.texts[mcid] += font.decode(bytes(item))

    def _form(self, resources: pikepdf.Object, name: object, mcid: int | None) -> None:
        xobject = resources.get("/XObject", pikepdf.Dictionary()).get(str(name))
        if xobject is None or xobject.get("/Subtype") != "/Form":
            return
        key = _key(xobject)
        if key in self.visited:
            return
        self.visited.add(key)
        self.walk(xobject, xobject.get("/Resources", resources), mcid)


def _current(marks: list[int | None]) -> int | None:
    return next((mcid for mcid in reversed(marks) if mcid is not None), None)


def marked_content_id(operands: Sequence[object], resources: pikepdf.Object) -> int | None:
    """Return the MCID of a BDC operator's property list, if it has one."""
    if len(operands) < 2:
        return None
    properties = operands[1]
    if isinstance(properties, pikepdf.Name):
        # Property lists may also live in the /Properties resource.
        properties = resources.get("/Properties", pikepdf.Dictionary()).get(str(properties))
    if not isinstance(properties, pikepdf.Dictionary):
        return None
    mcid = properties.get("/MCID")
    return int(mcid) if mcid is not None else None


def page_texts(page: pikepdf.Page) -> dict[int, str]:
    """Return the text of every MCID on one page (empty for images)."""
    walker = _Walker()
    walker.walk(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()), None)
    return walker.texts


def mcid_texts(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    """Return the text of every MCID in the document, keyed by (page, MCID)."""
    return {
        (index, mcid): text
        for index, page in enumerate(pdf.pages)
        for mcid, text in page_texts(page).items()
    }


def form_xobjects(resources: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Yield every form XObject reachable from a resource dictionary, once."""
    seen: set[object] = set()
    pending = [resources]
    while pending:
        current = pending.pop()
        for xobject in current.get("/XObject", pikepdf.Dictionary()).values():
            if xobject.get("/Subtype") != "/Form" or _key(xobject) in seen:
                continue
            seen.add(_key(xobject))
            yield xobject
            pending.append(xobject.get("/Resources", pikepdf.Dictionary()))


def document_fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Yield every font used by pages and their form XObjects, once."""
    seen: set[object] = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        holders = [resources] + [
            x.get("/Resources", pikepdf.Dictionary()) for x in form_xobjects(resources)
        ]
        for holder in holders:
            for font in holder.get("/Font", pikepdf.Dictionary()).values():
                if _key(font) not in seen:
                    seen.add(_key(font))
                    yield font


# Structure tree helpers shared by the PDF fixes and the PDF/UA checker.


def object_key(obj: object) -> object:
    """Return a key that identifies a PDF object (its object number if indirect)."""
    return _key(obj)


def struct_kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    """Return the /K entry of a struct element as a list."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def is_struct_element(obj: object) -> TypeGuard[pikepdf.Dictionary]:
    """Tell struct elements apart from MCIDs, MCRs and OBJRs among /K entries."""
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def iter_elements(node: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Yield the struct elements below a node in depth-first (reading) order."""
    for kid in struct_kids(node):
        if is_struct_element(kid):
            yield kid
            yield from iter_elements(kid)


def page_indices(pdf: pikepdf.Pdf) -> dict[object, int]:
    """Map each page object's key to its page index."""
    return {_key(page.obj): index for index, page in enumerate(pdf.pages)}


def number_tree(node: pikepdf.Object | None) -> dict[int, pikepdf.Object]:
    """Flatten a number tree (such as the ParentTree) into a dict."""
    if node is None:
        return {}
    result: dict[int, pikepdf.Object] = {}
    nums: list[pikepdf.Object] = list(node.get("/Nums", pikepdf.Array()))
    for number, value in zip(nums[::2], nums[1::2], strict=False):
        result[int(number)] = value
    for kid in node.get("/Kids", pikepdf.Array()):
        result.update(number_tree(kid))
    return result


def element_text(
    element: pikepdf.Object,
    texts: dict[tuple[int, int], str],
    pages: dict[object, int],
) -> str:
    """Return the text of a struct element from the MCIDs it contains."""
    return _text(element, texts, pages, None)


def element_texts(
    node: pikepdf.Object,
    texts: dict[tuple[int, int], str],
    pages: dict[object, int],
) -> list[tuple[pikepdf.Object, str]]:
    """Return every struct element below `node` with its text, in reading order.

    One pass over the tree: each text is made once from its kids' (element_text per element
    would read every MCID once per ancestor).
    """
    found: list[tuple[pikepdf.Object, str]] = []
    for kid in struct_kids(node):
        if is_struct_element(kid):
            _text(kid, texts, pages, found)
    return found


def _text(
    element: pikepdf.Object,
    texts: dict[tuple[int, int], str],
    pages: dict[object, int],
    found: list[tuple[pikepdf.Object, str]] | None,
) -> str:
    at = len(found) if found is not None else 0
    if found is not None:
        found.append((element, ""))  # its place in reading order, before its kids
    page = _page_of(element, pages, None)
    parts: list[str] = []
    for kid in struct_kids(element):
        if isinstance(kid, int):
            parts.append(texts.get((page, kid), "") if page is not None else "")
        elif is_struct_element(kid):
            parts.append(_text(kid, texts, pages, found))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            kid_page = _page_of(kid, pages, page)
            if kid_page is not None:
                parts.append(texts.get((kid_page, int(kid.MCID)), ""))
    text = "".join(parts)
    if found is not None:
        found[at] = (element, text)
    return text


def own_text(
    element: pikepdf.Object,
    texts: dict[tuple[int, int], str],
    pages: dict[object, int],
) -> str:
    """Return the text of the MCIDs directly in a struct element, not in its kids."""
    page = _page_of(element, pages, None)
    parts: list[str] = []
    for kid in struct_kids(element):
        if isinstance(kid, int) and page is not None:
            parts.append(texts.get((page, kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            kid_page = _page_of(kid, pages, page)
            if kid_page is not None:
                parts.append(texts.get((kid_page, int(kid.MCID)), ""))
    return " ".join(parts)


def _page_of(obj: pikepdf.Object, pages: dict[object, int], default: int | None) -> int | None:
    page = obj.get("/Pg")
    return pages.get(_key(page), default) if page is not None else default


def set_number(node: pikepdf.Object, number: int, value: object) -> bool:
    """Replace the value stored for `number` in a number tree; tell if found."""
    nums = node.get("/Nums", pikepdf.Array())
    for index in range(0, len(nums) - 1, 2):
        if int(nums[index]) == number:
            nums[index + 1] = value
            return True
    return any(set_number(kid, number, value) for kid in node.get("/Kids", pikepdf.Array()))
