"""Numbers stay with their units and signs in every format."""

from __future__ import annotations

from pipeline import pandoc
from pipeline.render import html
from pipeline.source import describe
from pipeline.typography import NBSP, tie_numbers


def _tied(markdown: str) -> str:
    document = tie_numbers(describe(pandoc.read_markdown_text(markdown), ()))
    return html.body_html(document)


def test_a_number_and_its_unit_or_sign_are_tied():
    page = _tied("Das PDF hat 553 kB, 12 % mehr, nach § 3 Abs. 2 und Nr. 5 um 9 Uhr.")
    for pair in ("553 kB", "12 %", "§ 3", "Abs. 2", "Nr. 5", "9 Uhr"):
        assert pair.replace(" ", NBSP) in page, pair


def test_a_line_break_in_the_source_is_tied_too():
    assert f"553{NBSP}kB" in _tied("Das PDF hat 553\nkB.")


def test_other_spaces_and_code_are_left_alone():
    page = _tied("Im Jahr 2017 kamen 30 Menschen. Tippen Sie `553 kB`.")
    assert "2017 kamen" in page and "30 Menschen" in page
    assert "<code>553 kB</code>" in page


def test_the_editions_have_the_ties_in_every_format(project_build):  # type: ignore[no-untyped-def]
    import zipfile

    files = {a.kind: a.path for a in project_build.artifacts if a.edition == "de"}
    assert f"553{NBSP}kB" in files["html"].read_text(encoding="utf-8")
    with zipfile.ZipFile(files["epub"]) as book:
        chapters = [book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")]
    assert any(f"553{NBSP}kB" in chapter for chapter in chapters)


def test_long_words_of_headings_get_soft_hyphens_on_screen_only(project_build):  # type: ignore[no-untyped-def]
    import subprocess

    from pipeline.render.hyphenate import SOFT_HYPHEN, hyphenate_text

    files = {(a.edition, a.kind): a.path for a in project_build.artifacts}
    page = files["de", "html"].read_text(encoding="utf-8")
    assert (
        f"<h1>Das Integrations{SOFT_HYPHEN}kon{SOFT_HYPHEN}zept</h1>".replace(
            "Integrations", f"In{SOFT_HYPHEN}te{SOFT_HYPHEN}gra{SOFT_HYPHEN}ti{SOFT_HYPHEN}ons"
        )
        in page
    )
    pdf = subprocess.run(
        ["pdftotext", str(files["de", "pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert SOFT_HYPHEN not in pdf and "Integrationskonzept" in pdf  # paper keeps whole words
    assert SOFT_HYPHEN not in files["de-leicht", "html"].read_text(encoding="utf-8")
    # No piece of one letter, and short words stay whole.
    assert hyphenate_text("Zusammenarbeit", "de") == f"Zu{SOFT_HYPHEN}sam{SOFT_HYPHEN}menarbeit"
    assert hyphenate_text("Integration", "de") == "Integration"
