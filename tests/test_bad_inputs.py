"""The project's own corpus of bad inputs: each case one clear error, nothing lost.

One row per case: what a careless editor, a broken tool or an attacker does to a copy of
the sample publication (with a Turkish catalog), the command, and the error line it must
give: the file, the line where one applies, and what to do. Every case must exit 1 with
error lines only (no traceback) and leave every file of the project as it was.
The parsers are fuzzed with Hypothesis: no input may raise anything but PipelineError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.errors import PipelineError

from .conftest import sample_with_turkish

Setup = Callable[[Path], None]


def _append(relative: str, text: str) -> Setup:
    def setup(project: Path) -> None:
        path = project / relative
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return setup


def _replace(relative: str, old: str, new: str) -> Setup:
    def setup(project: Path) -> None:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def _write(relative: str, data: bytes) -> Setup:
    def setup(project: Path) -> None:
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_bytes(data)

    return setup


def _png_header(width: int, height: int) -> bytes:
    """Return a small PNG that claims `width` × `height` pixels: a decompression bomb."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    size = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    chunks = chunk(b"IHDR", size + b"\x08\x06\0\0\0") + chunk(b"IDAT", zlib.compress(b""))
    return b"\x89PNG\r\n\x1a\n" + chunks + chunk(b"IEND", b"")


def _po_directory(project: Path) -> None:
    path = project / "translations" / "tr.po"
    path.unlink()
    path.mkdir()


FIRST = 'msgid "Willkommen"'
CASES: list[tuple[str, Setup, list[str], str]] = [
    # config
    (
        "source outside the project",
        _replace("publication.toml", 'sources = ["', 'sources = ["../outside.md", "'),
        ["build"],
        r"publication\.toml:\d+: Config value 'sources': '\.\./outside\.md' is outside",
    ),
    (
        "absolute source",
        _replace("publication.toml", 'sources = ["', 'sources = ["/etc/passwd", "'),
        ["build"],
        r"publication\.toml:\d+: .*'/etc/passwd' is outside the publication's directory",
    ),
    (
        "edition id that is a path",
        _append("publication.toml", '\n[editions."../x"]\n'),
        ["build"],
        r"publication\.toml:\d+: Config value 'editions\.\.\./x': an edition id is a language",
    ),
    (
        "formality DeepL refuses",
        _append("publication.toml", '\n[editions.ar]\nformality = "less"\n'),
        ["status"],
        r"publication\.toml:\d+: .*'editions\.ar\.formality': DeepL offers 'less' only",
    ),
    (
        "four_eyes not a boolean",
        _append("publication.toml", '\n[policies]\nfour_eyes = "yes"\n'),
        ["status"],
        r"publication\.toml:\d+: Config value 'policies\.four_eyes': expected true or false",
    ),
    # sources
    (
        "empty source",
        _write("source/teil-2.md", b""),
        ["build"],
        r"teil-2\.md: the source has no text",
    ),
    (
        "NUL byte in the source",
        _write("source/teil-2.md", b"Text\x00mit NUL\n"),
        ["build"],
        r"publication\.toml:\d+: .*contains a NUL byte; remove it",
    ),
    (
        "list nested 200 levels deep",
        _write("source/teil-2.md", "\n".join("  " * i + "- x" for i in range(200)).encode()),
        ["build"],
        r"teil-2\.md: lists, quotes or emphasis are nested more than 40 levels deep",
    ),
    (
        "SVG script behind a namespace prefix",
        _write(
            "source/chart.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><s:script xmlns:s="http://www.w3.org/2000/svg">'
            b"alert(1)</s:script></svg>",
        ),
        ["build"],
        r"teil-\d\.md:\d+: image 'chart\.svg' cannot be published: it has a <script> element",
    ),
    (
        "SVG javascript: behind character references",
        _write(
            "source/chart.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<use xlink:href="&#106;avascript:alert(1)"/></svg>',
        ),
        ["build"],
        r"image 'chart\.svg' cannot be published: its <use> refers to 'javascript:alert\(1\)'",
    ),
    (
        "SVG that fetches from the network",
        _write(
            "source/chart.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x.png"/></svg>',
        ),
        ["build"],
        r"image 'chart\.svg' cannot be published: its <image> refers to 'http://127\.0\.0\.1:9",
    ),
    (
        "a PNG that is a decompression bomb",
        _write(
            "source/rathaus.png",
            _png_header(60000, 60000),
        ),
        ["build"],
        r"image 'rathaus\.png' has far too many pixels; the limit is 40 megapixels",
    ),
    # catalogs
    (
        "same msgid twice",
        _append("translations/tr.po", f'\n{FIRST}\nmsgstr "Hoş geldiniz"\n'),
        ["catalogs"],
        r"tr\.po:\d+: a second entry for the same German text \(the first is at line \d+\)",
    ),
    (
        "plural entry",
        _append("translations/tr.po", '\nmsgid "Haus"\nmsgid_plural "Häuser"\nmsgstr[0] "ev"\n'),
        ["status"],
        r"tr\.po:\d+: a plural entry \(msgid_plural\)",
    ),
    (
        "charset ISO-8859-1",
        _replace("translations/tr.po", "charset=utf-8", "charset=ISO-8859-1"),
        ["status"],
        r"tr\.po: the catalog declares charset .*convert it \(msgconv --to-code=UTF-8\)",
    ),
    (
        "unknown charset",
        _replace("translations/tr.po", "charset=utf-8", "charset=KLINGON-1"),
        ["status"],
        r"tr\.po: .*charset",
    ),
    (
        "approval without its commas",
        _replace(
            "translations/tr.po", FIRST, f"# approved: Ayşe 2026-12-01T09:30:00+00:00\n{FIRST}"
        ),
        ["status"],
        r"tr\.po:\d+: unreadable status comment .*the format is: approved: NAME, ",
    ),
    (
        "approval with a time that is no time",
        _replace(
            "translations/tr.po",
            FIRST,
            f"# approved: Ayşe, 2026-02-31T25:00:00+00:00, 0123456789ab\n{FIRST}",
        ),
        ["status"],
        r"tr\.po:\d+: the time in .* is no date and time",
    ),
    (
        "unclosed quote",
        _replace("translations/tr.po", FIRST, 'msgid "Willkommen'),
        ["approve", "--lang", "tr", "--reviewer", "A", "--all-drafts"],
        r"tr\.po:\d+: not a valid PO line",
    ),
    ("PO path that is a directory", _po_directory, ["status"], r"tr\.po: cannot read it \("),
    # termbase
    (
        "termbase cell that is a formula",
        _write("glossary/terms.csv", b"id,status,de,tr\nx,preferred,=HYPERLINK(1),a\n"),
        ["glossary", "validate"],
        r"terms\.csv:2: column 'de': starts with '=', which a spreadsheet runs as a formula",
    ),
    (
        "termbase cell over the csv limit",
        _write(
            "glossary/terms.csv", b"id,status,de\nx,preferred," + b'"' + b"a" * 140_000 + b'"\n'
        ),
        ["glossary", "validate"],
        r"terms\.csv:\d+: not a readable CSV row .*field larger than field limit",
    ),
    # review
    (
        "unknown segment id",
        lambda project: None,
        ["approve", "--lang", "tr", "--reviewer", "A", "--segment", "000000000000"],
        r"tr\.po: no segment 000000000000 in this catalog",
    ),
    (
        "empty reviewer name",
        lambda project: None,
        ["approve", "--lang", "tr", "--reviewer", " \n ", "--all-drafts"],
        r"give your name",
    ),
    (
        "review file that is not one",
        _write("review.json", b'{"hello": 1}'),
        ["review", "import", "{project}/review.json"],
        r"review\.json: not a review file",
    ),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a Turkish catalog of drafts and a termbase, made once."""
    project = sample_with_turkish(tmp_path_factory.mktemp("corpus") / "project")
    path = project / "translations" / "tr.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('msgstr ""\n\n', 'msgstr "TR"\n\n').replace(
            'msgid ""\nmsgstr "TR"', 'msgid ""\nmsgstr ""'
        ),
        encoding="utf-8",
    )
    (project / "glossary").mkdir(exist_ok=True)
    return project


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.mark.parametrize(("case", "setup", "command", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_bad_input_is_one_clear_error_and_loses_nothing(
    template: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    setup: Setup,
    command: list[str],
    expected: str,
):
    import shutil

    project = tmp_path / "project"
    shutil.copytree(template, project)
    setup(project)
    before = _snapshot(project)
    args = [a.replace("{project}", str(project)) for a in command]
    code = main([*args[:2], *args[2:], "--project", str(project)])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 1, f"{case}: exit {code}, {err}"
    assert lines and all(line.startswith("error: ") for line in lines), err
    assert "Traceback" not in err
    assert re.search(expected, lines[0]), f"{case}: {lines[0]!r} does not match {expected!r}"
    after = _snapshot(project)
    assert after == before, f"{case}: files changed: {set(after) ^ set(before)}"


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(st.text(max_size=400))
def test_po_reading_never_raises_anything_but_a_clear_error(tmp_path_factory, text: str):  # type: ignore[no-untyped-def]
    from pipeline.catalogs import read_catalog

    path = tmp_path_factory.mktemp("po") / "x.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + text)
    try:
        read_catalog(path, "tr")
    except PipelineError:
        pass


@FUZZ
@given(st.text(max_size=400))
def test_termbase_reading_never_raises_anything_but_a_clear_error(tmp_path_factory, text: str):  # type: ignore[no-untyped-def]
    from pipeline.glossary import read_termbase

    path = tmp_path_factory.mktemp("tb") / "terms.csv"
    path.write_text("id,status,de,tr\n" + text, encoding="utf-8")
    try:
        read_termbase(path, "de", ("de", "tr"))
    except PipelineError:
        pass


@FUZZ
@given(st.text(max_size=300))
def test_tbx_import_never_raises_anything_but_a_clear_error(tmp_path_factory, text: str):  # type: ignore[no-untyped-def]
    from pipeline.tbx import read_tbx

    path = tmp_path_factory.mktemp("tbx") / "x.tbx"
    path.write_text(text, encoding="utf-8")
    try:
        read_tbx(path, "de", ("de", "tr"))
    except PipelineError:
        pass


@FUZZ
@given(st.text(max_size=300))
def test_config_reading_never_raises_anything_but_a_clear_error(tmp_path_factory, text: str):  # type: ignore[no-untyped-def]
    from pipeline.config import load_config

    root = tmp_path_factory.mktemp("cfg")
    (root / "publication.toml").write_text(text, encoding="utf-8")
    try:
        load_config(root)
    except PipelineError:
        pass


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_segment_markup_round_trip_never_raises_anything_but_a_clear_error(text: str):
    from pipeline.segments import from_markup, same_markup

    same_markup("Ein <em>Text</em>", text)
    try:
        from_markup(text, [{"t": "Str", "c": "x"}])
    except PipelineError:
        pass


def _zip_bomb(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 250_000_000)


@pytest.mark.parametrize(
    ("case", "make", "expected"),
    [
        ("not a zip", lambda p: p.write_bytes(b"PK\x03\x04 broken"), r"not a DOCX file"),
        (
            "zip bomb",
            _zip_bomb,
            r"unpacks to 250 MB, more than 200 MB; it is damaged or a zip bomb",
        ),
    ],
)
def test_a_broken_office_file_names_itself(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    make,
    expected: str,  # type: ignore[no-untyped-def]
):
    source = tmp_path / "bad.docx"
    make(source)
    assert main(["init", str(tmp_path / "new"), "--from", str(source)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{source}: " in err[0] and re.search(expected, err[0]), err
    assert not (tmp_path / "new").exists()


def test_init_into_a_file_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    target = tmp_path / "file.txt"
    target.write_text("x")
    source = tmp_path / "a.md"
    source.write_text("# Titel\n\nText.\n")
    assert main(["init", str(target), "--from", str(source)]) == 1
    assert "is a file, not a directory" in capsys.readouterr().err
    assert target.read_text() == "x"


@pytest.mark.parametrize(
    ("waiver", "expected"),
    [
        ('rule = "LS-NOPE"\ntext = "x"\nreason = "y"', r":2: waiver 1: there is no rule 'LS-NOPE'"),
        ('rule = "LS-SENT-LEN"\ntext = "x"', r":2: waiver 1: give rule, text .* and a reason"),
    ],
)
def test_a_bad_waiver_names_its_line(tmp_path: Path, waiver: str, expected: str):
    from pipeline.checks.easy_gate import WAIVERS, load_waivers

    (tmp_path / WAIVERS).write_text(f"# waivers\n[[waiver]]\n{waiver}\n", encoding="utf-8")
    with pytest.raises(PipelineError) as error:
        load_waivers(tmp_path)
    assert re.search(expected, str(error.value)), str(error.value)


def test_tbx_import_writes_a_leading_sign_with_an_apostrophe(tmp_path: Path):
    """A term that truly starts with '-' survives TBX import and export, never as a formula."""
    import shutil

    from pipeline.config import load_config
    from pipeline.glossary import load_termbase
    from pipeline.tbx import export_tbx, import_tbx

    from .conftest import REPO

    project = tmp_path / "p"
    shutil.copytree(REPO / "tests" / "sample", project)
    (project / "glossary").mkdir()
    (project / "glossary" / "terms.csv").write_text(
        "id,status,de,definition\narbeit,preferred,'-arbeit,Ein Wortteil.\n", encoding="utf-8"
    )
    publication = load_config(project)
    tbx = tmp_path / "terms.tbx"
    export_tbx(publication, tbx)
    assert ">-arbeit<" in tbx.read_text(encoding="utf-8")
    import_tbx(publication, tbx)
    assert "'-arbeit" in (project / "glossary" / "terms.csv").read_text(encoding="utf-8")
    termbase = load_termbase(publication)
    assert termbase is not None and termbase.concepts[0].terms["de"] == "-arbeit"


FULL_DISK = r"""
mount -t tmpfs -o size=48m tmpfs "$DISK" || exit 97
cp -r "$TEMPLATE" "$DISK/p" && cd "$DISK/p" || exit 98
"$PYTHON" -m pipeline build >/dev/null 2> "$OUT/first.err" || exit 99
snapshot() { find . -type f ! -name '*.lock' | sort | xargs sha256sum; }
snapshot > "$OUT/before"
dd if=/dev/zero of="$DISK/filler" bs=16k 2>/dev/null
echo "Ein neuer Absatz." >> source/teil-1.md
snapshot > "$OUT/before-build"
"$PYTHON" -m pipeline build 2> "$OUT/build.err"; echo $? > "$OUT/build.code"
snapshot > "$OUT/after-build"
"$PYTHON" -m pipeline approve --lang tr --reviewer "Ayşe Test" --all-drafts \
    2> "$OUT/approve.err"; echo $? > "$OUT/approve.code"
snapshot > "$OUT/after-approve"
"""


def test_a_full_disk_is_one_line_and_leaves_every_file_whole(tmp_path: Path):
    """build and approve on a full file system (a tmpfs in a user namespace)."""
    import os
    import subprocess
    import sys

    from babel.messages.pofile import read_po, write_po

    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("this machine cannot mount a small file system in a user namespace")
    template = sample_with_turkish(tmp_path / "template")
    po = template / "translations" / "tr.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id:
            message.string = message.id  # drafts whose markup is whole
    with po.open("wb") as f:
        write_po(f, catalog, width=0)
    (tmp_path / "disk").mkdir()
    env = {
        **os.environ,
        "DISK": str(tmp_path / "disk"),
        "TEMPLATE": str(template),
        "OUT": str(tmp_path),
        "PYTHON": sys.executable,
    }
    run = subprocess.run(["unshare", "-rm", "sh", "-c", FULL_DISK], env=env, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
    for command, what in (("build", "the build"), ("approve", "it")):
        assert (tmp_path / f"{command}.code").read_text().strip() == "1"
        lines = (tmp_path / f"{command}.err").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), lines
        assert f"cannot write {what} (no space left on the device" in lines[0]
    assert (tmp_path / "after-build").read_text() == (tmp_path / "before-build").read_text()
    assert (tmp_path / "after-approve").read_text() == (tmp_path / "before-build").read_text()
    assert "output/index.html" in (tmp_path / "before").read_text()


@pytest.mark.parametrize(
    ("entry", "line", "reason"),
    [
        ('msgctxt "title"\nmsgid "Titel"\n\nmsgid "Text"\nmsgstr ""\n', 6, "missing msgstr"),
        ('msgid "Titel"\nmsgstr ""\nmsgid "Text"\nmsgstr ""\n"unclosed\n', 9, ""),
    ],
)
def test_a_broken_po_entry_names_its_own_line(tmp_path: Path, entry: str, line: int, reason: str):
    from pipeline.catalogs import read_catalog

    path = tmp_path / "tr.po"
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    path.write_text(header + entry, encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        read_catalog(path, "tr")
    assert caught.value.line == line, str(caught.value)
    assert reason in str(caught.value)
