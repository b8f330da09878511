"""Benchmark the review app on a generated 5,000-segment catalog.

    .venv/bin/python benchmarks/bench_review_app.py [--segments 5000] [--approvals 40]

It writes a publication of N numbered German paragraphs with this project's termbase, a
Turkish catalog of pseudo drafts, starts `python -m pipeline review` on it and measures,
over HTTP as a browser would ask:
- the queue page (first 100 segments of the list), median of 20;
- an approve round trip (the POST until its answer, which includes the locked read-check,
  the atomic PO write, the history and the terminology check of the saved text), median;
- the server's peak resident memory (VmHWM).
Goals (issue 10): queue ≤ 300 ms, approve ≤ 300 ms median, memory ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.actions import version  # noqa: E402
from pipeline.catalogs import read_catalog, update_catalogs, write_catalog  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.review import segment_id  # noqa: E402

WORDS = "Integration Zusammenleben Stadt Ziel Maßnahme Zielgruppe Leitlinie Konzept".split()


def make_project(root: Path, count: int) -> Path:
    """Write a publication of `count` paragraphs and a Turkish catalog full of drafts."""
    (root / "source").mkdir(parents=True)
    shutil.copytree(REPO / "glossary", root / "glossary")
    lines = ["# Ein Integrationskonzept zum Messen", ""]
    for number in range(1, count):
        if number % 50 == 0:
            lines += [f"## Kapitel {number // 50}", ""]
        words = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(12))
        lines += [f"Absatz {number}: Das Konzept beschreibt {words} in Dietzenbach.", ""]
    (root / "source" / "text.md").write_text("\n".join(lines), encoding="utf-8")
    (root / "publication.toml").write_text(
        'title = "Messkonzept"\npublisher = "Stadt"\nversion = "1"\ndate = 2026-12-01\n'
        'source_language = "de"\nsources = ["source/text.md"]\n\n'
        "[editions]\nde = {}\ntr = {}\n",
        encoding="utf-8",
    )
    publication = load_config(root)
    update_catalogs(publication)
    path = root / "translations" / "tr.po"
    catalog = read_catalog(path, "tr")
    for message in catalog:
        if message.id:
            message.string = f"TR {message.id}"
    write_catalog(catalog, path)
    return root


def start(project: Path) -> tuple[subprocess.Popen[str], int, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "review", "--project", str(project), "--no-browser"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    match = re.search(r"127\.0\.0\.1:(\d+)/\?token=(\S+)", process.stdout.readline())
    assert match
    return process, int(match.group(1)), match.group(2)


def request(port: int, token: str, method: str, path: str, body: str = "") -> float:
    """Send one request as the app's page would; return the seconds until the answer."""
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Cookie": f"review_token_{port}={token}; review_name_{port}=Bench",
        "Origin": f"http://127.0.0.1:{port}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    assert response.status in (200, 303), (response.status, path)
    return elapsed


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=5000)
    parser.add_argument("--approvals", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        project = make_project(Path(temp) / "project", args.segments)
        catalog = read_catalog(project / "translations" / "tr.po", "tr")
        messages = [m for m in catalog if m.id][10 : 10 + args.approvals]
        process, port, token = start(project)
        try:
            first = request(port, token, "GET", "/e/tr")
            queue = [request(port, token, "GET", "/e/tr") for _ in range(20)]
            approve = [
                request(
                    port,
                    token,
                    "POST",
                    f"/e/tr/s/{segment_id(m)}",
                    f"action=approve&version={version(m)}&comment=benchmark",
                )
                for m in messages
            ]
            segment = [request(port, token, "GET", f"/e/tr/s/{segment_id(m)}") for m in messages]
            rss = peak_rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(30)
    print(f"catalog: {len([m for m in catalog if m.id])} segments")
    print(f"queue page, first request: {first * 1000:.0f} ms")
    print(f"queue page: median {statistics.median(queue) * 1000:.0f} ms (goal ≤ 300 ms)")
    print(
        f"approve round trip: median {statistics.median(approve) * 1000:.0f} ms, "
        f"max {max(approve) * 1000:.0f} ms over {len(approve)} (goal ≤ 300 ms median)"
    )
    print(f"segment page: median {statistics.median(segment) * 1000:.0f} ms")
    print(f"server peak memory: {rss:.0f} MB (goal ≤ 500 MB)")


if __name__ == "__main__":
    main()
