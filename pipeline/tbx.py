"""The termbase as TBX-Basic (ISO 30042:2019, TBX-Basic dialect, DCA style): export and import.

Each row of glossary/terms.csv becomes one <conceptEntry>; each column maps to TBX as follows:

    id          <conceptEntry id="…">; an id that starts with a digit gets a leading "_",
                because an XML id cannot start with one
    status      <termNote type="administrativeStatus"> on every term: preferred and
                do-not-translate → preferredTerm-admn-sts, forbidden → deprecatedTerm-admn-sts
    de, tr, …   <langSec xml:lang="…"><termSec><term>…</term>, one per filled cell; a
                do-not-translate term stands unchanged in every language of the termbase,
                each with <note>do-not-translate</note>
    use         <ref type="crossReference" target="id">source term</ref> in the conceptEntry
    definition  <descrip type="definition"> in the source-language langSec
    easy        <descrip type="definition" xml:lang="de-x-ls"> in the same langSec: a definition
                in Leichte Sprache (BCP 47 private-use subtag "x-ls" on the source language)
    note        <note> in the conceptEntry
    approved    <note>approved</note> in the termSec of each approved language

TBX-Basic has no data category for do-not-translate or for a reviewer's approval, so both are
fixed <note> texts on the term. Import reads the same structure back. It also takes
admittedTerm-admn-sts as preferred and supersededTerm-admn-sts as forbidden, and leaves out
data categories that have no column (partOfSpeech, context, transactions …) with a warning.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.parsers import expat

from pipeline import atomic
from pipeline.config import Publication
from pipeline.errors import ConfigError, PipelineError
from pipeline.glossary import (
    TERMBASE,
    Concept,
    Termbase,
    is_language,
    load_termbase,
    read_termbase,
    spreadsheet_safe,
    termbase_languages,
)
from pipeline.locks import locked

log = logging.getLogger(__name__)

NAMESPACE = "urn:iso:std:iso:30042:ed-2"
SCHEMAS = (  # TBX core structure (RELAX NG) and the TBX-Basic DCA rules (Schematron)
    (
        "https://raw.githubusercontent.com/LTAC-Global/TBX_Core_RNG/master/TBXcoreStructV03.rng",
        "http://relaxng.org/ns/structure/1.0",
    ),
    (
        "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch",
        "http://purl.oclc.org/dsdl/schematron",
    ),
)
ADMINISTRATIVE_STATUS = {
    "preferred": "preferredTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
    "do-not-translate": "preferredTerm-admn-sts",
}
READ_STATUS = {
    "preferredTerm-admn-sts": "preferred",
    "admittedTerm-admn-sts": "preferred",
    "deprecatedTerm-admn-sts": "forbidden",
    "supersededTerm-admn-sts": "forbidden",
}
DO_NOT_TRANSLATE = "do-not-translate"
APPROVED = "approved"
EASY_SUBTAG = "x-ls"  # BCP 47 private use: Leichte Sprache
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def export_tbx(publication: Publication, target: Path) -> Termbase:
    """Write the publication's termbase to `target` as TBX-Basic; return the termbase."""
    termbase = load_termbase(publication)
    if termbase is None:
        raise PipelineError(
            "no termbase to export; create it (see glossary/README.md)",
            publication.root / TERMBASE,
        )
    atomic.write_text(target, to_tbx(termbase, publication.title))
    return termbase


def to_tbx(termbase: Termbase, title: str) -> str:
    """Return the termbase as a TBX-Basic document."""
    if not termbase.concepts:
        raise PipelineError("no concepts to export; TBX needs at least one", termbase.path)
    # ElementTree cannot write a default namespace together with attributes that have none,
    # so the tree is built without namespaces and the root declares the one TBX uses.
    root = ET.Element(
        "tbx",
        {"type": "TBX-Basic", "style": "dca", "xml:lang": termbase.source_language},
        xmlns=NAMESPACE,
    )
    file_desc = _sub(_sub(root, "tbxHeader"), "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", title)
    source = f"The termbase {TERMBASE.as_posix()}: one conceptEntry per row."
    _sub(_sub(file_desc, "sourceDesc"), "p", source)
    body = _sub(_sub(root, "text"), "body")
    body.extend(_concept_entry(termbase, concept) for concept in termbase.concepts)
    ET.indent(root)
    models = "".join(
        f'<?xml-model href="{href}" type="application/xml" schematypens="{schema}"?>\n'
        for href, schema in SCHEMAS
    )
    # A carriage return in a cell would come back as a line feed unless it is a reference.
    text = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{models}{text}\n'


def _concept_entry(termbase: Termbase, concept: Concept) -> ET.Element:
    values = (*concept.terms.values(), concept.definition, concept.easy, concept.note)
    if any(_NOT_IN_XML.search(value) for value in values):
        message = "a control character that XML cannot hold; remove it"
        raise PipelineError(message, termbase.path, concept.line)
    entry = ET.Element("conceptEntry", id=_xml_id(concept.id))
    if concept.use:
        target = termbase.get(concept.use)
        if target is None:
            message = f"column 'use': '{concept.use}' is not a concept's id"
            raise PipelineError(message, termbase.path, concept.line)
        source_term = target.terms[termbase.source_language]
        _sub(entry, "ref", source_term, type="crossReference", target=_xml_id(target.id))
    if concept.note:
        _sub(entry, "note", concept.note)
    written = set()
    for lang in termbase.languages:
        term = concept.term(lang)
        if term is not None:
            entry.append(_lang_sec(termbase, concept, lang, term))
            written.add(lang)
    for lang in sorted(concept.approved - written):
        message = f"column 'approved': '{lang}' has no term in this row; add it or remove '{lang}'"
        raise PipelineError(message, termbase.path, concept.line)
    return entry


def _lang_sec(termbase: Termbase, concept: Concept, lang: str, term: str) -> ET.Element:
    lang_sec = ET.Element("langSec", {"xml:lang": lang})
    if lang == termbase.source_language:
        if concept.definition:
            _sub(lang_sec, "descrip", concept.definition, type="definition")
        if concept.easy:
            easy = {"type": "definition", "xml:lang": f"{lang}-{EASY_SUBTAG}"}
            _sub(lang_sec, "descrip", concept.easy, **easy)
    term_sec = _sub(lang_sec, "termSec")
    _sub(term_sec, "term", term)
    status = ADMINISTRATIVE_STATUS[concept.status]
    _sub(term_sec, "termNote", status, type="administrativeStatus")
    if concept.status == "do-not-translate":
        _sub(term_sec, "note", DO_NOT_TRANSLATE)
    if lang in concept.approved:
        _sub(term_sec, "note", APPROVED)
    return lang_sec


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    element.text = text
    return element


def _xml_id(concept_id: str) -> str:
    return f"_{concept_id}" if concept_id[:1].isdigit() else concept_id


def import_tbx(publication: Publication, source: Path) -> Termbase:
    """Replace glossary/terms.csv with the concepts of a TBX file, validated first."""
    languages = termbase_languages(publication)
    rows = read_tbx(source, publication.source_language, languages)
    present = list(dict.fromkeys(lang for row in rows for lang in row.terms))
    columns = [lang for lang in languages if lang == languages[0] or lang in present]
    columns += [lang for lang in present if lang not in columns]
    text, tbx_lines = _csv(rows, columns)
    target = publication.root / TERMBASE
    # The new CSV is validated in the temporary file; a bad one never replaces the old.
    with locked(target, "another command writing the termbase"), atomic.atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8", newline="")
        try:
            termbase = read_termbase(temp, publication.source_language, languages)
        except ConfigError as exc:
            problems = [(tbx_lines.get(line or 0), message) for line, message in exc.problems]
            raise ConfigError(source, problems) from None
    return replace(termbase, path=target)


@dataclass
class Row:
    """One concept read from TBX: the cells of its CSV row."""

    line: int  # where its conceptEntry starts in the TBX file
    id: str
    terms: dict[str, str] = field(default_factory=dict)
    statuses: set[str] = field(default_factory=set)
    do_not_translate: bool = False
    approved: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)  # use, definition, easy, note

    def status(self) -> str:
        """Return the concept's one status, or "" when its terms disagree."""
        statuses = self.statuses or {"preferred"}
        if len(statuses) > 1 or (self.do_not_translate and statuses != {"preferred"}):
            return ""
        return DO_NOT_TRANSLATE if self.do_not_translate else next(iter(statuses))


@dataclass
class _Reader:
    path: Path
    lines: dict[ET.Element, int]
    languages: dict[str, str]  # lower-case tag -> the publication's spelling
    source_language: str
    ignored: Counter[str] = field(default_factory=Counter)

    def error(self, element: ET.Element, message: str) -> PipelineError:
        return PipelineError(message, self.path, self.lines.get(element))

    def ignore(self, element: ET.Element) -> None:
        kind = element.get("type")
        name = f'<{_local(element)} type="{kind}">' if kind else f"<{_local(element)}>"
        self.ignored[name] += 1


def read_tbx(path: Path, source_language: str, languages: tuple[str, ...]) -> list[Row]:
    """Read the concepts of a TBX-Basic file; raise PipelineError naming its line."""
    root, lines = _parse(path)
    reader = _Reader(path, lines, {lang.lower(): lang for lang in languages}, source_language)
    if root.tag != _q("tbx"):
        raise reader.error(root, f'not TBX: expected <tbx xmlns="{NAMESPACE}"> (ISO 30042:2019)')
    if (root.get(_XML_LANG) or "").lower() != source_language.lower():
        message = f"xml:lang is '{root.get(_XML_LANG)}'; the source language is {source_language}"
        raise reader.error(root, message)
    body = root.find(f"{_q('text')}/{_q('body')}")
    if body is None:
        raise reader.error(root, "no <text><body> with the concepts")
    rows = [_row(reader, entry) for entry in body.iter(_q("conceptEntry"))]
    if reader.ignored:
        left_out = ", ".join(f"{name} ×{count}" for name, count in sorted(reader.ignored.items()))
        log.warning("%s: left out what terms.csv has no column for: %s", path, left_out)
    return rows


def _row(reader: _Reader, entry: ET.Element) -> Row:
    if not entry.get("id"):
        raise reader.error(entry, 'a <conceptEntry> without an id; add id="…"')
    row = Row(reader.lines[entry], entry.get("id", "").removeprefix("_"))
    notes = []
    for child in entry:
        if child.tag == _q("langSec"):
            _read_lang_sec(reader, child, row)
        elif child.tag == _q("note"):
            notes.append(_text(child))
        elif child.tag == _q("ref") and child.get("type") == "crossReference":
            row.fields["use"] = (child.get("target") or "").removeprefix("_")
        elif not _read_definition(reader, child, row, reader.source_language):
            reader.ignore(child)
    row.fields["note"] = "\n".join(notes)
    if not row.status():
        raise reader.error(entry, "terms with different statuses; a concept has one status")
    if row.do_not_translate:
        source = row.terms.get(reader.source_language, "")
        for lang, term in row.terms.items():
            if term != source:
                message = f"the do-not-translate term differs in {lang}: '{term}', not '{source}'"
                raise reader.error(entry, message)
        row.terms = {reader.source_language: source} if source else {}
    return row


def _read_lang_sec(reader: _Reader, lang_sec: ET.Element, row: Row) -> None:
    tag = lang_sec.get(_XML_LANG) or ""
    if tag.lower() not in reader.languages and is_language(tag):
        reader.languages[tag.lower()] = tag  # a language no edition uses (yet): kept
    lang = reader.languages.get(tag.lower())
    if lang is None:
        known = ", ".join(reader.languages.values())
        message = f"xml:lang '{tag}' is not a language tag"
        raise reader.error(lang_sec, f"{message} (the publication has {known})")
    for child in lang_sec:
        if child.tag == _q("termSec"):
            _read_term_sec(reader, child, row, lang)
        elif lang != reader.source_language or not _read_definition(reader, child, row, lang):
            reader.ignore(child)


def _read_definition(reader: _Reader, element: ET.Element, row: Row, lang: str) -> bool:
    if element.tag == _q("descripGrp"):
        for child in element:
            if not _read_definition(reader, child, row, lang):
                reader.ignore(child)
        return True
    if element.tag != _q("descrip") or element.get("type") != "definition":
        return False
    names = {lang.lower(): "definition", f"{lang}-{EASY_SUBTAG}".lower(): "easy"}
    name = names.get((element.get(_XML_LANG) or lang).lower())
    if name is None:
        return False
    if name in row.fields:
        raise reader.error(element, f"a second {name}; a concept has one")
    row.fields[name] = _text(element)
    return True


def _read_term_sec(reader: _Reader, term_sec: ET.Element, row: Row, lang: str) -> None:
    term = term_sec.find(_q("term"))
    if term is None:
        raise reader.error(term_sec, "a <termSec> without a <term>")
    if lang in row.terms:
        raise reader.error(term_sec, f"a second {lang} term; a concept has one term per language")
    row.terms[lang] = _text(term)
    for child in term_sec:
        note = _text(child) if child.tag == _q("note") else None
        if child.tag == _q("termNote") and child.get("type") == "administrativeStatus":
            if _text(child) not in READ_STATUS:
                raise reader.error(child, f"administrativeStatus '{_text(child)}' is not TBX-Basic")
            row.statuses.add(READ_STATUS[_text(child)])
        elif note == DO_NOT_TRANSLATE:
            row.do_not_translate = True
        elif note == APPROVED:
            row.approved.add(lang)
        elif child is not term:
            reader.ignore(child)


def _csv(rows: list[Row], languages: list[str]) -> tuple[str, dict[int, int]]:
    """Return the termbase CSV and, for the first CSV line of each row, its TBX line."""
    columns = ["id", "status", *languages, "use", "definition", "easy", "note", "approved"]
    lines = [_csv_line(columns)]
    tbx_lines = {}
    for row in rows:
        approved = " ".join(lang for lang in languages if lang in row.approved)
        cells = {"id": row.id, "status": row.status(), **row.terms, **row.fields}
        tbx_lines[sum(line.count("\n") for line in lines) + 1] = row.line
        lines.append(_csv_line([cells.get(name, "") for name in columns[:-1]] + [approved]))
    return "".join(lines), tbx_lines


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([spreadsheet_safe(v) for v in values])
    return out.getvalue()


def _parse(path: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse an XML file into an ElementTree, remembering the line where each element starts."""
    if not path.is_file():
        raise PipelineError("no such file", path)
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(_clark(tag), {_clark(k): v for k, v in attributes.items()})
        lines[element] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_clark(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(path.read_bytes(), True)
    except expat.ExpatError as exc:
        reason = expat.errors.messages[exc.code]
        message = f"not well-formed XML: {reason} (column {exc.offset + 1}); fix or export it again"
        raise PipelineError(message, path, exc.lineno) from None
    return builder.close(), lines


def _clark(name: str) -> str:
    uri, _, local = name.rpartition(" ")
    return f"{{{uri}}}{local}" if uri else local


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()
