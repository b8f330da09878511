"""A build fetches nothing from the network and nothing outside the publication."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import PipelineError, ToolError
from pipeline.render.pdf import write_pdf


@pytest.fixture()
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            received.append(connection.recv(1024))
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join(2)
    server.close()


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="http://127.0.0.1:{port}/image.png" alt="x">',
        '<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">',
        "<p style=\"background: url('http://127.0.0.1:{port}/b.png')\">x</p>",
        '<img src="file:///etc/passwd" alt="x">',
    ],
)
def test_weasyprint_fetches_nothing_outside(
    tmp_path: Path, listener: tuple[int, list[bytes]], reference: str
):
    port, received = listener
    edition = tmp_path / "staging" / "de"
    edition.mkdir(parents=True)
    body = reference.format(port=port)
    page = f'<html lang="de"><head><title>T</title></head><body>{body}</body></html>'
    target = edition / "x.pdf"
    with pytest.raises(ToolError, match="fetches nothing|own files"):
        write_pdf(page, target, target, [])
    assert received == [] and not target.exists()


def test_a_build_with_an_svg_that_fetches_is_refused_and_nothing_is_fetched(
    tmp_path: Path, listener: tuple[int, list[bytes]]
):
    import shutil

    from pipeline.build import build

    from .conftest import SAMPLE

    port, received = listener
    project = tmp_path / "p"
    shutil.copytree(SAMPLE, project)
    chart = project / "source" / "chart.svg"
    text = chart.read_text(encoding="utf-8")
    image = f'<image href="http://127.0.0.1:{port}/x.png" width="1" height="1"/></svg>'
    chart.write_text(text.replace("</svg>", image), encoding="utf-8")
    with pytest.raises(PipelineError, match="chart.svg"):
        build(project)
    assert received == [] and not (project / "output").exists()


def _hold_output(output: Path, ready, release) -> None:  # type: ignore[no-untyped-def]
    from pipeline.build import output_lock

    with output_lock(output):
        ready.set()
        release.wait(60)


def test_a_second_build_fails_naming_the_first_and_a_killed_swap_is_restored(
    tmp_path: Path, sample_build
):  # type: ignore[no-untyped-def]
    import multiprocessing
    import shutil

    from pipeline.build import build
    from pipeline.cli import main

    project = sample_build.output.parent
    copy = tmp_path / "p"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".*"))
    output = copy / "output"
    before = sorted(p.relative_to(output) for p in output.rglob("*"))
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_output, args=(output, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        assert main(["build", "--project", str(copy)]) == 1
    finally:
        release.set()
        holder.join(30)
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before
    assert not [p for p in copy.iterdir() if p.name.startswith(".output.") and "lock" not in p.name]
    # A build killed between its two renames left only .output.old: the next build puts it
    # back before anything else, even when it fails itself.
    output.rename(copy / ".output.old")
    (copy / "source" / "teil-2.md").write_text("", encoding="utf-8")
    with pytest.raises(PipelineError, match="no text"):
        build(copy)
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:{port}/x.png", "file:///etc/passwd", "/etc/passwd", "../outside.png"],
)
def test_the_epub_embeds_no_image_from_outside_its_edition(
    tmp_path: Path, listener: tuple[int, list[bytes]], target: str
):
    from pipeline import pandoc

    port, received = listener
    edition = tmp_path / "edition"
    edition.mkdir()
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    image = {
        "t": "Image",
        "c": [["", [], []], [{"t": "Str", "c": "Bild"}], [target.format(port=port), ""]],
    }
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Para", "c": [image]}]}
    with pytest.raises(ToolError, match="the EPUB would embed"):
        pandoc.write_epub(ast, tmp_path / "x.epub", edition, [])
    assert received == []
    assert not (tmp_path / "x.epub").exists()
