"""The build gate: an easy-language edition is published only if its source passes the linter.

An error blocks the edition unless `easy-language-waivers.toml` in the project lists it:

    [[waiver]]
    rule = "LS-SENT-LEN"
    text = "Das Konzept heißt: Dietzenbach in Bewegung."  # the whole source line
    reason = "A name; the test readers understood it."

A waiver names the line by its text, not its number, so that edits elsewhere in the file
keep it valid; a waiver whose line no longer has that finding is reported as unused.
Warnings never block; the build logs how many there are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import file_sha
from pipeline.config import CONFIG_NAME as PUBLICATION_CONFIG
from pipeline.config import read_toml
from pipeline.easy.config import CONFIG_NAME, load_easy_config
from pipeline.easy.lint import MARKDOWN_SUFFIXES, Finding, lint_lines
from pipeline.easy.rules import RULES
from pipeline.errors import PipelineError, SourceError, read_utf8

log = logging.getLogger(__name__)
WAIVERS = "easy-language-waivers.toml"


@dataclass(frozen=True)
class Waiver:
    """An accepted error: which rule, on which source line, and why."""

    rule: str
    text: str
    reason: str


def check_easy_sources(
    project: Path, sources: tuple[Path, ...], metadata: tuple[tuple[str, str], ...] = ()
) -> list[Finding]:
    """Lint an easy-language edition's sources and its own title, subtitle and version
    (`metadata`, from publication.toml); raise SourceError for unwaived errors.

    Returns the warnings and the waived errors, for the log.
    """
    config = load_easy_config(project)
    waivers = load_waivers(project)
    used: set[Waiver] = set()
    blocking, kept = [], []
    for path, lines, markdown in _texts(project, sources, metadata):
        for finding in lint_lines(lines, str(path), config, markdown):
            waiver = _waiver_for(finding, lines, waivers)
            if finding.severity == "error" and waiver is None:
                blocking.append(finding)
                continue
            if waiver:
                used.add(waiver)
            kept.append(finding)
    for waiver in set(waivers) - used:
        log.warning("%s: unused waiver for %s on %r", WAIVERS, waiver.rule, waiver.text)
    if blocking:
        shown = "\n".join(str(f) for f in blocking[:20])
        more = f"\n… and {len(blocking) - 20} more" if len(blocking) > 20 else ""
        raise SourceError(
            f"the Leichte Sprache text breaks {len(blocking)} rule(s); rewrite these lines "
            f"or list them with a reason in {WAIVERS}:\n{shown}{more}"
        )
    log_warnings(len(kept))
    return kept


def _texts(
    project: Path, sources: tuple[Path, ...], metadata: tuple[tuple[str, str], ...]
) -> Iterator[tuple[Path, list[str], bool]]:
    """Yield each text to lint: its file, its lines, whether it is Markdown.

    The metadata is linted where it is written: its lines of publication.toml, the rest
    of that file blanked out.
    """
    for path in sources:
        lines = read_utf8(path).splitlines()  # read once: linted, and waivers name lines
        yield path, lines, path.suffix.lower() in MARKDOWN_SUFFIXES
    if metadata:
        config = project / PUBLICATION_CONFIG
        written = read_utf8(config).splitlines()
        lines = [""] * len(written)
        for _, value in metadata:
            number = next((n for n, line in enumerate(written) if value in line), None)
            if number is not None:
                lines[number] = value
        yield config, lines, False


def log_warnings(count: int) -> None:
    """Log how many findings do not block the edition."""
    if count:
        log.warning("Leichte Sprache: %d warning(s) or waived finding(s); run lint-easy", count)


def gate_inputs(project: Path, sources: tuple[Path, ...]) -> dict[Path, str]:
    """Hash what the gate reads: the sources, the waivers, the linter's settings, the glossary
    and publication.toml (the edition's title, subtitle and version)."""
    paths = [*sources, project / WAIVERS, project / CONFIG_NAME, project / PUBLICATION_CONFIG]
    paths += sorted(p for p in (project / "glossary").rglob("*") if p.is_file())
    return {p: file_sha(p) for p in paths if p.is_file()}


def _waiver_for(finding: Finding, lines: list[str], waivers: list[Waiver]) -> Waiver | None:
    text = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
    return next((w for w in waivers if w.rule == finding.rule and w.text == text), None)


def load_waivers(project: Path) -> list[Waiver]:
    """Read the project's waivers; every problem names the file."""
    path = project / WAIVERS
    if not path.exists():
        return []
    text, data = read_toml(path)
    entries = data.get("waiver", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PipelineError("write each waiver as a [[waiver]] table", path)
    # The line of each [[waiver]] header, so that a problem names its table.
    starts = [
        n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[waiver]]"
    ]
    waivers = []
    for number, entry in enumerate(entries, start=1):
        line = starts[number - 1] if number <= len(starts) else None
        fields = {key: entry.get(key) for key in ("rule", "text", "reason")}
        if not all(isinstance(value, str) and value.strip() for value in fields.values()):
            raise PipelineError(
                f"waiver {number}: give rule, text (the whole source line) and a reason",
                path,
                line,
            )
        if fields["rule"] not in RULES:
            raise PipelineError(
                f"waiver {number}: there is no rule {fields['rule']!r}; use a rule id that "
                "`python -m pipeline lint-easy` prints, such as LS-SENT-LEN",
                path,
                line,
            )
        waivers.append(Waiver(fields["rule"], fields["text"].strip(), fields["reason"]))
    return waivers
