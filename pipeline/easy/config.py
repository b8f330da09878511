"""The project's Leichte Sprache settings: `easy-language.toml`, optional, validated strictly.

    disable = ["LS-FOREIGN"]          # rules that are switched off
    known_words = ["Workshop"]        # terms the text explains: not LS-FOREIGN, not LS-ABBREV

    [rules.LS-SENT-LEN]
    max_words = 15                    # a rule's options (see docs/leichte-sprache.md)
    severity = "warning"              # every rule: "error" or "warning"

The German terms of the glossary (glossary/terms.csv) count as known words too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import CONFIG_NAME as PUBLICATION_CONFIG
from pipeline.config import _KeyLines, read_toml
from pipeline.easy.rules import RULES, SEVERITIES
from pipeline.errors import ConfigError

CONFIG_NAME = "easy-language.toml"
_TOP_KEYS = ("disable", "known_words", "rules")
_CHOICES = {"separator": ("·", "-")}


@dataclass(frozen=True)
class RuleSettings:
    """How one enabled rule runs in this project."""

    severity: str
    options: dict[str, Any]


@dataclass(frozen=True)
class EasyConfig:
    """The enabled rules with their settings, and the words the project explains."""

    rules: dict[str, RuleSettings]
    known: frozenset[str]


def default_config(known: frozenset[str] = frozenset()) -> EasyConfig:
    """Return the settings of a project without an `easy-language.toml`."""
    return _config({}, known, [])


def load_easy_config(project: Path) -> EasyConfig:
    """Read `easy-language.toml` and the glossary of a project; raise ConfigError if invalid."""
    path = project / CONFIG_NAME
    known = _glossary_terms(project)
    if not path.is_file():
        return default_config(known)
    text, data = read_toml(path)
    problems: list[str] = []
    config = _config(data, known, problems)
    if problems:
        raise ConfigError(path, [_locate(text, problem) for problem in problems])
    return config


def _config(data: dict[str, Any], known: frozenset[str], problems: list[str]) -> EasyConfig:
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(f"'{key}': unknown key (expected one of {', '.join(_TOP_KEYS)})")
    disabled = _strings(data, "disable", problems)
    for rule_id in disabled:
        _check_rule_id(rule_id, "disable", problems)
    words = frozenset(w.lower() for w in _strings(data, "known_words", problems))
    tables = data.get("rules", {})
    if not isinstance(tables, dict):
        problems.append("'rules': expected a table such as [rules.LS-SENT-LEN]")
        tables = {}
    for rule_id in tables:
        _check_rule_id(rule_id, f"rules.{rule_id}", problems)
    rules = {}
    for rule in RULES.values():
        table = tables.get(rule.id, {})
        settings = _settings(rule.id, table, problems)
        if rule.id not in disabled:
            rules[rule.id] = RuleSettings(
                settings.severity, {**settings.options, "known": known | words}
            )
    return EasyConfig(rules, known | words)


def _strings(data: dict[str, Any], key: str, problems: list[str]) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(f"'{key}': expected a list of strings")
        return []
    return value


def _check_rule_id(rule_id: str, key: str, problems: list[str]) -> None:
    if rule_id not in RULES:
        close = difflib.get_close_matches(rule_id, RULES, n=1, cutoff=0.8)
        hint = f"did you mean '{close[0]}'?" if close else "see docs/leichte-sprache.md"
        problems.append(f"'{key}': unknown rule id '{rule_id}'; {hint}")


def _settings(rule_id: str, table: Any, problems: list[str]) -> RuleSettings:
    rule = RULES.get(rule_id)
    if rule is None:
        return RuleSettings("warning", {})
    if not isinstance(table, dict):
        problems.append(f"'rules.{rule_id}': expected a table")
        table = {}
    options = dict(rule.options)
    severity = table.get("severity", rule.severity)
    if severity not in SEVERITIES:
        problems.append(f"'rules.{rule_id}.severity': expected one of {', '.join(SEVERITIES)}")
    for key, value in table.items():
        if key == "severity":
            continue
        if key not in rule.options:
            known = ", ".join(["severity", *rule.options])
            problems.append(f"'rules.{rule_id}.{key}': unknown option (expected one of {known})")
        elif problem := _option_problem(key, value, rule.options[key]):
            problems.append(f"'rules.{rule_id}.{key}': {problem}")
        else:
            options[key] = value
    return RuleSettings(severity, options)


def _option_problem(key: str, value: Any, default: Any) -> str | None:
    if key in _CHOICES:
        return None if value in _CHOICES[key] else f"expected one of {', '.join(_CHOICES[key])}"
    if isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        return None if ok else "expected a whole number of 1 or more"
    if isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        return None if ok else "expected a list of strings"
    return None


def _locate(text: str, problem: str) -> tuple[int | None, str]:
    # An unknown rule id in a list is found by its quoted value, anything else by its key.
    key = re.match(r"'([^']*)'", problem)
    rule_id = re.search(r"unknown rule id '([^']+)'", problem)
    if rule_id and key and key.group(1) == "disable":
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(rf"[\"']{re.escape(rule_id.group(1))}[\"']", line):
                return number, f"Config value {problem}"
    key_line, _ = _KeyLines(text).locate(problem)
    return key_line, f"Config value {problem}"


def _glossary_terms(project: Path) -> frozenset[str]:
    """Return the German terms of the glossary and their words, in lower case."""
    from pipeline.config import load_config
    from pipeline.glossary import TERMBASE, load_termbase

    if not (project / PUBLICATION_CONFIG).is_file() or not (project / TERMBASE).is_file():
        return frozenset()
    termbase = load_termbase(load_config(project))
    if termbase is None:
        return frozenset()
    terms = [
        concept.terms[termbase.source_language].lower()
        for concept in termbase.concepts
        if concept.status != "forbidden" and termbase.source_language in concept.terms
    ]
    return frozenset(terms) | {word for term in terms for word in re.split(r"[\s·-]+", term)}
