"""Run the real checkers (axe-core, reflow, EPUBCheck, Ace) on small made-up files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.checks import Finding
from pipeline.checks.epub import check_epub
from pipeline.checks.html import check_html
from tests.conftest import SAMPLE

GOOD_BODY = "<main><h1>Willkommen</h1><p>Ein gut lesbarer Absatz.</p></main>"
BAD_BODY = (
    "<main><h1>Willkommen</h1>"
    '<p style="color: #bbbbbb; background: #ffffff">Kaum lesbarer Text.</p>'
    '<img src="x"></main>'
)
WIDE_BODY = (
    '<main><h1>Willkommen</h1><div style="width: 600px">Ein fester, breiter Kasten.</div></main>'
)

# Scrolls sideways only on a narrow screen, and cannot be reached with the keyboard there.
SCROLL_BODY = (
    '<main><h1>Willkommen</h1><div style="overflow-x: auto"><table><tr>'
    "<th>Donaudampfschifffahrtsgesellschaftskapitänsmütze</th>"
    "<th>Zweite_Spalte_ohne_jeden_Umbruch_sehr_lang</th></tr>"
    "<tr><td>1</td><td>2</td></tr></table></div></main>"
)


def _page(body: str) -> str:
    """Return a complete German HTML page around body."""
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Prüfseite</title></head>"
        f'<body style="color: #000000; background: #ffffff">{body}</body></html>'
    )


def _rules(findings: list[Finding], path: Path) -> set[str]:
    """Return the rule ids reported for one file."""
    return {f.rule for f in findings if f.path == str(path)}


HtmlRun = tuple[dict[str, Path], list[Finding]]


@pytest.fixture(scope="module")
def html_run(tmp_path_factory: pytest.TempPathFactory) -> HtmlRun:
    """Check three pages in one browser run, as the pipeline does."""
    root = tmp_path_factory.mktemp("html")
    pages = {"good": GOOD_BODY, "bad": BAD_BODY, "wide": WIDE_BODY, "scroll": SCROLL_BODY}
    paths = {}
    for name, body in pages.items():
        paths[name] = root / f"{name}.html"
        paths[name].write_text(_page(body), encoding="utf-8")
    return paths, check_html(list(paths.values()))


def test_valid_page_has_no_findings(html_run: HtmlRun) -> None:
    paths, findings = html_run
    assert _rules(findings, paths["good"]) == set()


def test_missing_alt_and_low_contrast_are_found(html_run: HtmlRun) -> None:
    paths, findings = html_run
    assert {"image-alt", "color-contrast"} <= _rules(findings, paths["bad"])
    alt = next(f for f in findings if f.rule == "image-alt")
    assert (alt.checker, alt.severity) == ("axe", "error")
    assert "img" in alt.message


def test_fixed_width_element_fails_reflow(html_run: HtmlRun) -> None:
    paths, findings = html_run
    assert "reflow-320" in _rules(findings, paths["wide"])
    reflow = next(f for f in findings if f.rule == "reflow-320")
    assert "div" in reflow.message
    assert "reflow-320" not in _rules(findings, paths["good"])


def test_axe_also_runs_on_a_phone_sized_screen(html_run: HtmlRun) -> None:
    paths, findings = html_run
    narrow = [f for f in findings if f.path == str(paths["scroll"])]
    assert [f.rule for f in narrow] == ["scrollable-region-focusable"]
    assert narrow[0].message.endswith("at 320 px")


def test_no_pages_starts_no_browser() -> None:
    assert check_html([]) == []


CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf"
              media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"
         unique-identifier="id" xml:lang="de">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:2f1c6a4e-8f5b-4c1e-9a57-1f6f0c9c1a11</dc:identifier>
    <dc:title>Prüfbuch</dc:title>
    {language}
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
    <meta property="schema:accessMode">textual</meta>
    <meta property="schema:accessMode">visual</meta>
    <meta property="schema:accessModeSufficient">textual</meta>
    <meta property="schema:accessibilityFeature">alternativeText</meta>
    <meta property="schema:accessibilityFeature">structuralNavigation</meta>
    <meta property="schema:accessibilityFeature">tableOfContents</meta>
    <meta property="schema:accessibilityHazard">none</meta>
    <meta property="schema:accessibilitySummary">Kurzer Text mit einem Bild.</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml"
          properties="nav"/>
    <item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>
    <item id="punkt" href="punkt.png" media-type="image/png"/>
  </manifest>
  <spine>
    <itemref idref="c1"/>
  </spine>
</package>
"""

NAV = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"
      lang="de" xml:lang="de">
<head><title>Inhalt</title></head>
<body>
  <nav epub:type="toc" id="toc" role="doc-toc">
    <h1>Inhalt</h1>
    <ol><li><a href="c1.xhtml">Kapitel 1</a></li></ol>
  </nav>
  <nav epub:type="landmarks" id="landmarks" hidden="hidden">
    <h2>Orientierung</h2>
    <ol><li><a epub:type="bodymatter" href="c1.xhtml">Beginn</a></li></ol>
  </nav>
</body>
</html>
"""

CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"
      lang="de" xml:lang="de">
<head><title>Kapitel 1</title></head>
<body>
  <main>
    <h1>Kapitel 1</h1>
    <p>Ein Absatz.</p>
    {image}
  </main>
</body>
</html>
"""


def _png() -> bytes:
    """Return a small PNG: the sample publication's picture."""
    return (SAMPLE / "source" / "rathaus.png").read_bytes()


def _write_epub(path: Path, broken: bool) -> Path:
    """Write a minimal EPUB 3; broken drops dc:language and the image's alt."""
    language = "" if broken else "<dc:language>de</dc:language>"
    alt = "" if broken else ' alt="Ein schwarzer Punkt"'
    files: dict[str, str | bytes] = {
        "META-INF/container.xml": CONTAINER,
        "EPUB/package.opf": OPF.format(language=language),
        "EPUB/nav.xhtml": NAV,
        "EPUB/c1.xhtml": CHAPTER.format(image=f'<img src="punkt.png"{alt}/>'),
        "EPUB/punkt.png": _png(),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as epub:
        # OCF: mimetype must be the first entry, stored uncompressed.
        epub.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        for name, content in files.items():
            epub.writestr(name, content)
    return path


@pytest.fixture(scope="module")
def epub_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a directory for the test EPUBs and the checkers' reports."""
    return tmp_path_factory.mktemp("epub")


def test_valid_epub_has_no_findings(epub_dir: Path) -> None:
    epub = _write_epub(epub_dir / "gut.epub", broken=False)
    findings = check_epub(epub, epub_dir / "work")
    assert findings == [], "\n".join(map(str, findings))


def test_broken_epub_is_found_by_both_checkers(epub_dir: Path) -> None:
    epub = _write_epub(epub_dir / "kaputt.epub", broken=True)
    findings = check_epub(epub, epub_dir / "work")
    report = "\n".join(map(str, findings))
    assert {f.checker for f in findings} == {"epubcheck", "ace"}, report
    language = next(f for f in findings if f.rule == "RSC-005")
    assert language.checker == "epubcheck"
    assert "dc:language" in language.message
    assert language.line is not None
    assert any(f.checker == "ace" and f.rule == "image-alt" for f in findings), report
    assert all(f.path == str(epub) for f in findings)
