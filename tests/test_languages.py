"""Every text is marked with its language: a new right-to-left edition with no interface catalog.

A Persian edition has neither translations nor interface strings yet, so everything on its
pages falls back: the text to German, the interface to English. Screen readers pick their
voice by `lang`, and the bidirectional algorithm orders punctuation by `dir`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.catalogs import update_catalogs
from pipeline.checks.languages import check_languages
from pipeline.checks.pdf import check_pdf
from pipeline.config import load_config
from pipeline.i18n import LOCALE_DIR

from .conftest import copy_project, copy_sample

SLUG = "integrationskonzept-dietzenbach"


@pytest.fixture(scope="module")
def persian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this project with a Persian edition added, as the README says to add one."""
    assert not (LOCALE_DIR / "fa.po").exists()  # the premise: no interface catalog
    project = copy_project(tmp_path_factory.mktemp("fa") / "project")
    config = project / "publication.toml"
    text = config.read_text(encoding="utf-8")
    # The other translations are tested elsewhere: German and Persian build faster alone.
    text = re.sub(r"\n(en-GB|tr|ar|pl|ru|uk|de-leicht) = .*", "", text)
    config.write_text(text.replace("de = {}", "de = {}\nfa = {}"), encoding="utf-8")
    update_catalogs(load_config(project))
    return build(project).output


def test_the_persian_page_passes_the_language_check(persian: Path):
    page = persian / "fa" / f"{SLUG}.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="fa" dir="rtl">' in html
    assert check_languages(page) == []
    assert check_languages(persian / "fa" / "accessibility.html") == []
    # Every part in another language is isolated in its own direction.
    marked = re.findall(r'<\w+[^>]* lang="(?:de|en)"[^>]*>', html)
    assert len(marked) > 50 and all('dir="ltr"' in tag for tag in marked)
    # The interface falls back to English, marked as English, isolated from the Persian.
    for text in ("Skip to content", "Contents", "Imprint", "Draft translation"):
        assert f'<span lang="en" dir="ltr">{text}</span>' in html, text
    # The German fallback, in the text and in the table of contents.
    assert '<span lang="de" dir="ltr">' in html
    toc = html[html.index('<nav class="toc"') : html.index("</nav>", html.index('class="toc"'))]
    links = re.findall(r"<a href=\"#[^\"]+\"([^>]*)>", toc)
    # German headings, and the glossary's heading in the English of the interface.
    assert links and all(re.search(r'lang="(de|en)" dir="ltr"', a) for a in links)


def test_untranslated_figures_captions_and_a_repeated_table_head_are_marked(tmp_path: Path):
    # The sample has what this project lacks: images, a caption, a table over a page break.
    project = copy_sample(tmp_path / "sample")
    config = project / "publication.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[editions.fa]\nformats = ["html", "pdf"]\n'
    )
    update_catalogs(load_config(project))
    output = build(project).output
    page = (output / "fa" / "willkommen-in-musterstadt.html").read_text(encoding="utf-8")
    assert re.search(r'<img [^>]*lang="de" dir="ltr" alt="Balkendiagramm: [^"]+"', page)
    assert check_languages(output / "fa" / "willkommen-in-musterstadt.html") == []
    assert [str(f) for f in check_pdf(output / "fa" / "willkommen-in-musterstadt.pdf")] == []


def test_the_check_finds_text_marked_with_the_wrong_language(persian: Path, tmp_path: Path):
    page = persian / "fa" / f"{SLUG}.html"
    unmarked = re.sub(r' lang="(en|de)" dir="ltr"', "", page.read_text(encoding="utf-8"))
    broken = tmp_path / "page.html"
    broken.write_text(unmarked, encoding="utf-8")
    findings = check_languages(broken)
    messages = " ".join(f.message for f in findings)
    assert "'Contents' is in Latin script but marked lang=\"fa\"" in messages
    assert all(f.rule == "language-of-parts" and f.line for f in findings)


def test_every_other_edition_passes_the_language_check(project_build):  # type: ignore[no-untyped-def]
    pages = sorted(project_build.output.glob("*/*.html")) + [project_build.output / "index.html"]
    assert len(pages) >= 8
    assert [str(f) for page in pages for f in check_languages(page)] == []


def _struct_nodes(pdf):  # type: ignore[no-untyped-def]
    """Yield every dictionary of a PDF's structure tree."""
    import pikepdf

    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            yield node
            kids = node.get("/K")
            stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _struct_languages(path: Path) -> dict[str, int]:
    """Count the struct elements of a PDF by their /Lang."""
    import pikepdf

    counts: dict[str, int] = {}
    with pikepdf.open(path) as pdf:
        for node in _struct_nodes(pdf):
            if "/Lang" in node:
                counts[str(node.Lang)] = counts.get(str(node.Lang), 0) + 1
    return counts


def test_the_persian_pdf_marks_the_german_and_english_parts(persian: Path):
    """The interface fallback and the German text get /Lang in the PDF's structure tree."""
    import subprocess

    pdf = persian / "fa" / f"{SLUG}.pdf"
    languages = _struct_languages(pdf)
    assert languages.get("de", 0) >= 5 and languages.get("en", 0) >= 5, languages
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Contents" in text and "Draft translation" in text


def test_the_pdf_check_reads_the_language_of_every_part_from_the_structure_tree(
    persian: Path, tmp_path: Path
):
    import pikepdf

    pdf = persian / "fa" / f"{SLUG}.pdf"
    assert [str(f) for f in check_pdf(pdf)] == []  # every part in its language, and PDF/UA
    # The same PDF with its parts' /Lang removed: its German and English read as Persian.
    unmarked = tmp_path / "unmarked.pdf"
    with pikepdf.open(pdf) as document:
        for node in list(_struct_nodes(document)):
            if "/Lang" in node:
                del node["/Lang"]
        document.save(unmarked)
    found = [f.message for f in check_pdf(unmarked) if f.rule == "language-of-parts"]
    assert len(found) >= 10, found
    assert all(
        re.match(r"\w+ element on page \d+: the text '.+' is in Latin script but", m) for m in found
    )


def test_addresses_code_and_script_subtags_are_judged_fairly(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text(
        '<html lang="ar"><body><p>زوروا <a href="https://www.dietzenbach.de">www.dietzenbach.de</a>'
        " أو اكتبوا إلى <span>info@dietzenbach.de</span></p><p><code>python -m pipeline</code></p>"
        '<p lang="sr-Latn">Dobrodošli u Dietzenbach</p></body></html>',
        encoding="utf-8",
    )
    assert check_languages(page) == []


def test_the_persian_epub_marks_its_english_interface(persian: Path):
    import zipfile

    with zipfile.ZipFile(persian / "fa" / f"{SLUG}.epub") as book:
        texts = {n: book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")}
    everything = "".join(texts.values())
    assert '<span lang="en" dir="ltr">Draft translation</span>' in everything
    nav = next(text for name, text in texts.items() if name.endswith("nav.xhtml"))
    assert '<span lang="en" dir="ltr">Title page</span>' in nav
    assert '<h1 id="toc-title"><span lang="en" dir="ltr">Contents</span></h1>' in nav
