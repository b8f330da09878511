"""Check an EPUB 3 with EPUBCheck 5 and DAISY Ace."""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

from pipeline.checks import Finding, tools
from pipeline.errors import ToolError

log = logging.getLogger(__name__)

SEVERITIES = {"FATAL": "error", "ERROR": "error", "WARNING": "warning"}
EPUBCHECK_TIMEOUT_S = 600
# Ace's own budget is 240 s per content document; this bounds the whole run.
ACE_TIMEOUT_S = 1800
ACE_LOGS = Path("ace-state", "DAISY Ace")


def check_epub(path: Path, workdir: Path) -> list[Finding]:
    """Run EPUBCheck and Ace on one EPUB; reports are written below workdir."""
    # Find a missing tool before the slow EPUBCheck run, not after it.
    locators = (tools.java, tools.epubcheck_jar, tools.node, tools.ace_cli)
    for locate in (*locators, tools.chromium):
        locate()
    findings = run_epubcheck(path, workdir)
    # Ace cannot open an EPUB that EPUBCheck finds broken; then its failure is
    # the publication's fault, already reported, not a broken tool.
    broken = any(f.severity == "error" for f in findings)
    return findings + run_ace(path, workdir, epub_is_broken=broken)


def run_epubcheck(path: Path, workdir: Path) -> list[Finding]:
    """Run EPUBCheck 5; each FATAL, ERROR and WARNING message is a finding."""
    workdir.mkdir(parents=True, exist_ok=True)
    report = workdir / f"epubcheck-{path.stem}.json"
    report.unlink(missing_ok=True)
    command = [tools.java(), "-jar", str(tools.epubcheck_jar())]
    command += ["--json", str(report), str(path)]
    # EPUBCheck exits 1 when it finds errors, so the exit code says nothing
    # about the tool itself; a missing report does.
    result = _run(command, EPUBCHECK_TIMEOUT_S, os.environ.copy())
    if not report.is_file():
        raise ToolError(f"EPUBCheck wrote no report: {_tail(result)}", path)
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return [
        _epubcheck_finding(path, message)
        for message in messages
        if message.get("severity") in SEVERITIES
    ]


def _epubcheck_finding(path: Path, message: dict[str, Any]) -> Finding:
    """Turn one EPUBCheck JSON message into a finding at its first location."""
    locations = message.get("locations") or [{}]
    where = locations[0]
    line = where.get("line")
    inner = where.get("path")
    # Container-level messages locate the EPUB itself, already the path.
    if inner == str(path):
        inner = None
    text = f"{inner}: {message['message']}" if inner else message["message"]
    if message.get("suggestion"):
        text += f" ({message['suggestion']})"
    return Finding(
        path=str(path),
        checker="epubcheck",
        rule=message["ID"],
        severity=SEVERITIES[message["severity"]],
        message=text,
        line=line if isinstance(line, int) and line > 0 else None,
    )


def run_ace(path: Path, workdir: Path, epub_is_broken: bool = False) -> list[Finding]:
    """Run DAISY Ace; each failed assertion in its report.json is a finding."""
    workdir.mkdir(parents=True, exist_ok=True)
    outdir = workdir / f"ace-{path.stem}"
    command = [tools.node(), str(tools.ace_cli()), "--force", "--silent"]
    command += ["--outdir", str(outdir), "--tempdir", str(workdir / "ace-tmp")]
    command.append(str(path))
    (outdir / "report.json").unlink(missing_ok=True)
    result = _run(command, ACE_TIMEOUT_S, _ace_env(workdir))
    report = outdir / "report.json"
    if result.returncode != 0 or not report.is_file():
        detail = f"{_tail(result)}; log in {workdir / ACE_LOGS}"
        if epub_is_broken:
            message = f"Ace could not check the EPUB: {detail}"
            return [Finding(str(path), "ace", "ace-failed", "error", message)]
        raise ToolError(f"Ace failed on a valid EPUB: {detail}", path)
    data = json.loads(report.read_text(encoding="utf-8"))
    return _ace_findings(path, data)


def _ace_env(workdir: Path) -> dict[str, str]:
    """Environment for Ace: puppeteer drives our Chromium via a flag wrapper."""
    env = os.environ.copy()
    env["PUPPETEER_EXECUTABLE_PATH"] = str(_chromium_wrapper(workdir))
    env["PUPPETEER_SKIP_DOWNLOAD"] = "1"
    # Ace writes a log per run under $XDG_STATE_HOME; keep it with the reports.
    env["XDG_STATE_HOME"] = str(workdir / "ace-state")
    # Ace allows 5 s for Chromium to start, too little on a busy CI machine.
    env.setdefault("ACE_TIMEOUT_INITIAL", "60000")
    return env


def _chromium_wrapper(workdir: Path) -> Path:
    """Write a script that starts Chromium with our flags; puppeteer runs it."""
    # Ace gives puppeteer only --no-sandbox and --disable-setuid-sandbox (so it
    # runs as root); neither Ace nor puppeteer reads extra flags from the
    # environment, and Debian's launcher resets CHROMIUM_FLAGS: so a wrapper.
    flags = " ".join(shlex.quote(arg) for arg in tools.CHROMIUM_ARGS)
    chromium = shlex.quote(str(tools.chromium()))
    wrapper = workdir / "chromium-for-ace.sh"
    wrapper.write_text(f'#!/bin/sh\nexec {chromium} {flags} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


def _ace_findings(path: Path, report: dict[str, Any]) -> list[Finding]:
    """Collect the failed assertions of every document in an Ace report."""
    findings = []
    for document in report.get("assertions", []):
        subject = document.get("earl:testSubject", {}).get("url", "")
        for assertion in document.get("assertions", []):
            if assertion.get("earl:result", {}).get("earl:outcome") == "fail":
                findings.append(_ace_finding(path, subject, assertion))
    return findings


def _ace_finding(path: Path, subject: str, assertion: dict[str, Any]) -> Finding:
    """Turn one failed Ace assertion (an axe rule or metadata test) into a finding."""
    test = assertion.get("earl:test", {})
    result = assertion["earl:result"]
    # axe's per-node description lists every check it tried; its rule help
    # reads better. Ace's own tests (metadata, ...) say it in the result.
    if assertion.get("earl:assertedBy") == "aXe":
        description = test.get("help", {}).get("dct:description", "")
    else:
        description = result.get("dct:description", "")
    selectors = result.get("earl:pointer", {}).get("css") or []
    where = f" ({', '.join(selectors)})" if selectors else ""
    rule = test.get("dct:title", "ace")
    message = f"{subject}: {description}{where}"
    return Finding(str(path), "ace", rule, "error", message)


def _run(command: list[str], timeout: int, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a checker; a missing executable or a hang becomes a ToolError."""
    log.debug("running %s", shlex.join(command))
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError(f"{Path(command[0]).name} could not run: {exc}") from exc


def _tail(result: subprocess.CompletedProcess[str]) -> str:
    """Return the last lines of a tool's output, for an error message."""
    output = (result.stderr or result.stdout or "").strip().splitlines()
    detail = " | ".join(output[-3:]) or "no output"
    return f"exit {result.returncode}: {detail}"
