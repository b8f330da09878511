"""Lint Leichte Sprache text: every line, every sentence, every enabled rule."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from pipeline.easy.config import EasyConfig
from pipeline.easy.messages import speaking
from pipeline.easy.rules import RULES
from pipeline.easy.text import mask_markdown, sentences
from pipeline.errors import PipelineError, read_utf8

log = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = {".md", ".markdown"}
_ORDER = {rule_id: index for index, rule_id in enumerate(RULES)}


@dataclass(frozen=True)
class Finding:
    """A violated rule at a place in a file; a warning is a violation too."""

    path: str
    line: int
    column: int  # 1-based, in characters of the line as written
    rule: str
    severity: str
    message: str
    suggestion: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.rule} {self.severity}: {self.message} ({self.suggestion})"

    def as_dict(self) -> dict[str, str | int]:
        """Return the finding as a JSON object."""
        return asdict(self)


def lint_lines(
    lines: list[str], path: str, config: EasyConfig, markdown: bool = False, lang: str = "de"
) -> list[Finding]:
    """Check each line as a text of its own; Markdown syntax is skipped when asked.

    The messages and suggestions are in `lang`: German for the writers, or English.
    """
    with speaking(lang):
        return _lint_lines(lines, path, config, markdown)


def _lint_lines(lines: list[str], path: str, config: EasyConfig, markdown: bool) -> list[Finding]:
    masked = mask_markdown(lines) if markdown else lines
    findings = []
    for number, line in enumerate(masked, start=1):
        if not line.strip():
            continue
        for sentence in sentences(line):
            for rule_id, settings in config.rules.items():
                seen: set[int] = set()
                for hit in RULES[rule_id].check(sentence, settings.options):
                    if hit.start not in seen:
                        seen.add(hit.start)
                        findings.append(
                            Finding(
                                path,
                                number,
                                hit.start + 1,
                                rule_id,
                                settings.severity,
                                hit.message,
                                hit.suggestion,
                            )
                        )
    findings.sort(key=lambda f: (f.line, f.column, _ORDER[f.rule]))
    return findings


def lint_file(path: Path, config: EasyConfig, lang: str = "de") -> list[Finding]:
    """Lint a file; Markdown (.md) is read without its syntax."""
    if not path.is_file():
        raise PipelineError("no such file; check the path", path)
    log.info("linting %s", path)
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    return lint_lines(read_utf8(path).splitlines(), str(path), config, markdown, lang)


def lint_stream(
    stream: TextIO, config: EasyConfig, name: str = "-", lang: str = "de"
) -> list[Finding]:
    """Lint plain text from a stream such as standard input, line by line."""
    return lint_lines(stream.read().splitlines(), name, config, lang=lang)
