"""The Leichte Sprache commands: lint-easy and draft-easy."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import project_option, shown
from pipeline.easy.messages import LANGUAGES


def add_commands(commands: argparse._SubParsersAction) -> None:
    text = "check Leichte Sprache text against its rules (each line is a text of its own)"
    lint = commands.add_parser(
        "lint-easy",
        help=text,
        description=f"{text}. Exit 1 if a finding is an error. Rules and settings: "
        "docs/leichte-sprache.md; project settings: DIR/easy-language.toml.",
    )
    lint.add_argument(
        "files", nargs="+", metavar="FILE", help="a text or Markdown (.md) file; - reads stdin"
    )
    lint.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: file:line:column: RULE-ID severity: message (suggestion); json: an array",
    )
    lint.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="de",
        help="the language of the messages and suggestions (default: de, German)",
    )
    project_option(lint)
    lint.set_defaults(run=_lint_easy)
    draft = commands.add_parser(
        "draft-easy",
        help="rephrase the German source simply with DeepL Write, as a draft for a writer",
        description="Write drafts/leichte-sprache-entwurf.md from the German source with "
        "DeepL Write (style simple; a Pro key in DEEPL_AUTH_KEY). The draft is never published.",
    )
    project_option(draft)
    draft.add_argument("--output", type=Path, metavar="FILE", help="where to write the draft")
    draft.add_argument("--replace", action="store_true", help="replace an existing draft")
    draft.set_defaults(run=_draft_easy)


def _lint_easy(args: argparse.Namespace) -> int:
    from pipeline.easy import lint_file, lint_stream, load_easy_config
    from pipeline.easy.messages import summary

    config = load_easy_config(args.project)
    findings = [
        finding
        for name in args.files
        for finding in (
            lint_stream(sys.stdin, config, lang=args.lang)
            if name == "-"
            else lint_file(Path(name), config, args.lang)
        )
    ]
    if args.format == "json":
        print(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
    errors = sum(1 for f in findings if f.severity == "error")
    if args.format == "text" and findings:
        sys.stdout.flush()
        print(summary(errors, len(findings) - errors, args.lang), file=sys.stderr)
    return 1 if errors else 0


def _draft_easy(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.easy.draft import DRAFT, draft_easy
    from pipeline.mt.client import client_from_environment

    publication = load_config(args.project)
    target = args.output or publication.root / DRAFT
    result = draft_easy(publication, client_from_environment(), target, args.replace)
    print(
        f"wrote {shown(result.path)}: {result.paragraphs} paragraph(s) rephrased by DeepL Write "
        f"in {result.requests} request(s), {result.characters} characters; a draft for a writer, "
        "never published"
    )
    return 0
