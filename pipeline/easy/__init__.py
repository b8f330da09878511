"""Leichte Sprache: a linter for the rules of easy-to-read German."""

from __future__ import annotations

from pipeline.easy.config import EasyConfig, default_config, load_easy_config
from pipeline.easy.lint import Finding, lint_file, lint_lines, lint_stream

__all__ = [
    "EasyConfig",
    "Finding",
    "default_config",
    "lint_file",
    "lint_lines",
    "lint_stream",
    "load_easy_config",
]
