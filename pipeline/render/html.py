"""HTML pages from the pandoc AST through Jinja2 templates; the landing page too."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from pipeline import pandoc
from pipeline.config import Edition, Publication
from pipeline.i18n import (
    LOCALE_DIR,
    UiText,
    format_list,
    long_date,
    percent,
    text_direction,
    translations,
    ui_text,
)
from pipeline.localize import EditionText
from pipeline.render.hyphenate import hyphenate_ast, hyphenate_text
from pipeline.source import Document, Heading, stringify

if TYPE_CHECKING:
    from pipeline.statement import Status

STATEMENT = "accessibility.html"  # each edition's accessibility statement, beside its page
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FONTS = Path(__file__).resolve().parent.parent / "fonts"
MEDIA_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "epub": "application/epub+zip",
}


@dataclass(frozen=True)
class FormatLink:
    """A link to one format of an edition, labelled in the edition's language."""

    href: str
    media_type: str
    label: str
    size: str = ""


@dataclass(frozen=True)
class LanguageLink:
    """A link to another edition's web page, named in that edition's language."""

    href: str
    lang: str
    dir: str
    name: str
    current: bool


@dataclass(frozen=True)
class TocEntry:
    """A heading in the table of contents, with the headings below it."""

    heading: Heading
    children: list[TocEntry]


def environment(lang: str, directory: Path = LOCALE_DIR) -> jinja2.Environment:
    """Return a Jinja2 environment that escapes everything and speaks `lang`, with the
    interface catalogs in `directory` (the editions' by default, the report's too)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang, directory), newstyle=True)  # type: ignore[attr-defined]
    # ui(): an interface string marked with its language where it falls back to English;
    # _() only in attributes, which cannot mark a language.
    env.globals["ui"] = lambda message, **values: ui_text(message, lang, directory, **values)
    env.filters["css_string"] = _css_string
    env.filters["direction"] = text_direction
    env.filters["plain"] = str  # an interface string without its language mark, for attributes
    env.filters["shy"] = lambda text, lang=lang: hyphenate_text(text, lang)  # soft hyphens
    return env


def format_label(kind: str, lang: str) -> UiText:
    """Return the reader-facing name of an output format in the edition's language."""
    if kind == "pdf":
        return ui_text("PDF document, tagged (PDF/UA-1)", lang)
    if kind == "epub":
        return ui_text("E-book (EPUB 3)", lang)
    return ui_text("Web page (HTML)", lang)


def asset_files() -> dict[str, Path]:
    """Return the stylesheets and fonts every HTML page links to: name in assets/ -> file."""
    files = {name: TEMPLATES / name for name in ("style.css", "print.css", "easy.css")}
    for font in sorted(FONTS.glob("*.ttf")) + [FONTS / "OFL.txt"]:
        files[f"fonts/{font.name}"] = font
    return files


def write_assets(output: Path) -> None:
    """Copy the assets into output/assets/ (a fresh directory)."""
    for name, source in asset_files().items():
        target = output / "assets" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def body_html(document: Document, hyphenate: str = "") -> str:
    """Render the document body as an HTML fragment, tables wrapped for narrow screens.

    `hyphenate`: the page's language, to put soft hyphens into the long words of headings
    (a web page only; pipeline/render/hyphenate.py).
    """
    blocks: list[Any] = []
    for block in document.ast["blocks"]:
        if block["t"] == "Table":
            block = _scroll_box(block)
        elif block["t"] == "Header" and hyphenate:
            level, attributes, inlines = block["c"]
            inlines = hyphenate_ast({"blocks": inlines}, hyphenate)["blocks"]
            block = {"t": "Header", "c": [level, attributes, inlines]}
        blocks.append(block)
    return pandoc.to_html({**document.ast, "blocks": blocks})


def _scroll_box(table: dict[str, Any]) -> dict[str, Any]:
    # A wide table scrolls in its own box instead of widening the page at 320 px; the box
    # takes keyboard focus so that it can be scrolled without a mouse.
    caption = stringify(table["c"][1][1])
    attributes = [["tabindex", "0"]]
    if caption:
        attributes += [["role", "region"], ["aria-label", caption]]
    return {"t": "Div", "c": [["", ["table-scroll"], attributes], [table]]}


def render_page(
    edition: Edition,
    text: EditionText,
    body: str,
    formats: list[FormatLink],
    languages: list[LanguageLink],
    for_print: bool,
) -> str:
    """Render one edition's HTML page, for the screen or as the source of the PDF."""
    _ = translations(edition.lang).gettext
    publication = text.publication
    before, between, after = (
        _("Page {page} of {pages}").replace("{page}", "\0").replace("{pages}", "\0").split("\0")
    )
    # pandoc's back-link is an arrow that the shipped fonts lack; words are clearer anyway.
    back = f'role="doc-backlink">{escape(ui_text("Back to the text", edition.lang))}</a>'
    body = body.replace('role="doc-backlink">↩︎</a>', back)
    body = body.replace('<a href="#fnref', ' <a href="#fnref')  # not glued to the note
    env = environment(edition.lang)
    # Soft hyphens in the long words of the title and the contents, on screen only.
    # Leichte Sprache breaks no word with a hyphen: its compounds have the Mediopunkt.
    whole = for_print or text.easy
    env.filters["shy"] = lambda value, lang=edition.lang: (
        value if whole else hyphenate_text(value, lang)
    )
    return env.get_template("page.html").render(
        **_edition_context(edition, text),
        languages=languages,
        published_as=_published_as(edition, "This edition is published as: {formats}."),
        toc=table_of_contents(text.document.headings),
        contact=publication.accessibility,
        statement=STATEMENT,
        body=body,
        formats=formats,
        for_print=for_print,
        date=long_date(publication.date, edition.lang),
        page_label_before=before,
        page_label_between=between,
        page_label_after=after,
    )


def _edition_context(edition: Edition, text: EditionText) -> dict[str, Any]:
    """Return what base.html needs of an edition: its names, language and draft notice."""
    return {
        "publication": text.publication,
        "edition": edition,
        "lang": edition.lang,
        "dir": edition.dir,
        "source_lang": text.publication.source_language,
        "untranslated": text.untranslated,
        "draft_notice": draft_notice(text, edition.lang),
        "notice_label": notice_label(text, edition.lang),
        "easy": text.easy,
        "assets": "../assets/",
    }


def _published_as(edition: Edition, sentence: str) -> str:
    # The list in the language of the sentence around it (English, where that falls back).
    labels: list[str] = [format_label(kind, edition.lang) for kind in edition.formats]
    return format_list(labels, ui_text(sentence, edition.lang).lang or edition.lang)


def render_statement(edition: Edition, text: EditionText, status: Status) -> str:
    """Render an edition's accessibility statement, with the status `status` gives it."""
    publication = text.publication
    statement = publication.accessibility
    env = environment(edition.lang)
    return env.get_template("statement.html").render(
        **_edition_context(edition, text),
        languages=[],
        published_as=_published_as(
            edition,
            "The publisher wants this publication to be accessible to everyone. This statement"
            " applies to this edition in these formats: {formats}.",
        ),
        edition_page=f"{publication.slug}.html" if "html" in edition.formats else "../index.html",
        status=Markup(render_statement_status(edition.lang, status)),
        # What is not accessible besides the checkers' findings: text not yet reviewed.
        caveat=draft_notice(text, edition.lang) if _unreviewed(text) else "",
        contact=statement,
        written=long_date(statement.date or publication.date, edition.lang),
        for_print=False,
    )


def render_statement_status(lang: str, status: Status) -> str:
    """Render the part of a statement that the latest check decides (pipeline/statement.py)."""
    findings = [
        {
            "where": format_label(Path(f.path).suffix.lstrip("."), lang),
            "checker": f.checker,
            "rule": f.rule,
            "message": f.message,
        }
        for f in status.findings
    ]
    checked_on = long_date(status.checked_on, lang) if status.checked_on else ""
    template = environment(lang).get_template("statement-status.html")
    return template.render(status=status, findings=findings, checked_on=checked_on).strip()


def notice_label(text: EditionText, lang: str) -> UiText:
    """Return the short label of an edition's draft notice."""
    if text.easy and text.approved < text.total:
        return ui_text("Not yet checked", lang)
    if _unreviewed(text):
        return ui_text("Draft translation", lang)
    return ui_text("Not yet released", lang)


def draft_notice(text: EditionText, lang: str) -> UiText:
    """Return the notice that tells readers an edition is a draft, or "" for a final one."""
    if not text.draft:
        return UiText("")
    if not _unreviewed(text):
        return ui_text(
            "This edition is not yet released: its publisher has yet to name a contact for"
            " reporting barriers in its accessibility statement.",
            lang,
        )
    if text.easy:
        return ui_text(
            "This text is new. Test readers check if a text is easy to read."
            " This check is still to come.",
            lang,
        )
    return ui_text(
        "This translation is a draft. A reviewer has approved {share} of its text; the rest"
        " has not been checked yet, and text without a translation is shown in the original"
        " language. Only the original edition is authoritative.",
        lang,
        share=percent(text.approved_share, lang),
    )


def _unreviewed(text: EditionText) -> bool:
    """Tell whether an edition is a draft for its text: unapproved or untested by readers."""
    if text.easy:
        return text.approved < text.total
    return text.approved_share < text.publication.policies.min_approved_share


def edition_status(text: EditionText, edition: Edition, original: bool) -> UiText:
    """Say, in the edition's language, whether it is the original, a draft or reviewed."""
    lang = edition.lang
    share = percent(text.approved_share, lang)
    if text.easy and edition.checked_on:
        date = long_date(edition.checked_on, lang)
        return ui_text(
            "Easy language, checked by test readers ({group}, {date})",
            lang,
            group=edition.checked_by,
            date=date,
        )
    if text.easy:
        return ui_text("Easy language, not yet checked by test readers", lang)
    if original:
        return ui_text("Original text", lang)
    if text.draft:
        return ui_text("Draft translation: {share} approved by reviewers", lang, share=share)
    return ui_text("Reviewed translation: {share} approved by reviewers", lang, share=share)


def table_of_contents(headings: tuple[Heading, ...], depth: int = 3) -> list[TocEntry]:
    """Nest the headings down to `depth` into a tree for the table of contents."""
    root: list[TocEntry] = []
    stack: list[TocEntry] = []
    for heading in (h for h in headings if h.level <= depth):
        entry = TocEntry(heading, [])
        while stack and stack[-1].heading.level >= heading.level:
            stack.pop()
        (stack[-1].children if stack else root).append(entry)
        stack.append(entry)
    return root


def render_landing(publication: Publication, entries: list[dict[str, Any]]) -> str:
    """Render output/index.html: every edition, named in its own language, with its files."""
    lang = publication.source_language
    return (
        environment(lang)
        .get_template("index.html")
        .render(
            publication=publication,
            lang=lang,
            dir=text_direction(lang),
            source_lang=lang,
            untranslated=frozenset(),
            draft_notice="",
            notice_label="",
            easy=False,
            languages=[],
            assets="assets/",
            editions=entries,
            date=long_date(publication.date, lang),
        )
    )


def _css_string(value: str) -> str:
    return re.sub(r'["\\\n]', lambda m: "\\" + format(ord(m.group(0)), "x") + " ", value)


def language_parts(page: str) -> list[tuple[str, str]]:
    """Return (language, text) of every element of a page's body marked with its own
    language, in document order: the German fallback, the interface strings that fall
    back to English, the contents' fallback headings. The PDF's struct elements get them."""
    parser = _LanguageParts()
    parser.feed(page)
    parser.close()
    return [(lang, " ".join(text.split())) for lang, text in parser.parts]


def alt_languages(page: str) -> dict[str, str]:
    """Return alt text -> language of each image marked with a language of its own (an
    untranslated alt text); the PDF's Figure elements get them."""
    parser = _LanguageParts()
    parser.feed(page)
    parser.close()
    return parser.alts


class _LanguageParts(HTMLParser):
    _VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "source", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int | None]] = []  # (tag, index in parts or None)
        self.parts: list[tuple[str, str]] = []
        self.alts: dict[str, str] = {}
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        values = dict(attrs)
        lang = values.get("lang")
        if tag == "img" and lang and (alt := values.get("alt")):
            self.alts[" ".join(alt.split())] = lang
        if tag in self._VOID or not self.in_body:
            return
        index = None
        if lang:
            index = len(self.parts)
            self.parts.append((lang, ""))
        self.open.append((tag, index))

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self.open) - 1, -1, -1):
            if self.open[position][0] == tag:
                del self.open[position:]
                return

    def handle_data(self, data: str) -> None:
        for _, index in self.open:
            if index is not None:
                lang, text = self.parts[index]
                self.parts[index] = (lang, text + data)
