"""The publishing commands: build, check (also check terms), publish and init."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import project_options, shown


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register build, check, publish and init."""
    for name, run, text in (
        ("build", _build, "write every edition to output/"),
        ("check", _check, "run the conformance checkers on output/, write output/report.json"),
        ("publish", _publish, "build, then check"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        project_options(command)
        command.set_defaults(run=run)
        if name == "check":
            command.add_argument(
                "what",
                nargs="?",
                choices=["terms"],
                help="terms: check source and catalogs against the termbase instead",
            )
    init = commands.add_parser(
        "init",
        help="create a new publication from a Markdown, DOCX or ODT file",
        description="Create a new publication (config, source/, glossary/, translations/).",
    )
    init.add_argument("directory", type=Path, help="the new publication's directory")
    init.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE")
    init.add_argument("--title", help="the title, if the file has none")
    init.add_argument("--publisher", help="who publishes it, if the file does not say")
    init.set_defaults(run=_init)


def _build(args: argparse.Namespace) -> int:
    from pipeline.build import build

    result = build(args.project, args.output)
    for artifact in result.artifacts:
        print(f"wrote {shown(artifact.path)}")
    print(f"wrote {shown(result.landing)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from pipeline.checks.conformance import run_checks
    from pipeline.config import CONFIG_NAME, load_config
    from pipeline.readability import readability
    from pipeline.review import terminology_report

    if getattr(args, "what", None) == "terms":
        return _check_terms(args)
    output = args.output or args.project / "output"
    has_config = (args.project / CONFIG_NAME).is_file()
    publication = load_config(args.project) if has_config else None
    scores = readability(publication) if publication else {}
    terminology = terminology_report(publication) if publication else None
    report = run_checks(output, terminology, dict(scores) if publication else None)
    for finding in report.findings:
        print(finding)
    for edition, sections in scores.items():
        for section in sections:  # hints, not findings
            print(
                f"readability {edition}, {section['section'] or '-'}: Flesch-Amstad "
                f"{section['flesch_amstad']}, Wiener Sachtextformel "
                f"{section['wiener_sachtextformel']} (a hint)"
            )
    print(report.summary())
    print(f"wrote {shown(report.path)}")
    return 0 if report.passed else 1


def _check_terms(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.glossary import TERMBASE, load_termbase
    from pipeline.review import open_term_findings, term_issues
    from pipeline.terms import check_sources

    publication = load_config(args.project)
    termbase = load_termbase(publication)
    if termbase is None:
        print(f"no termbase: nothing to check; create {args.project / TERMBASE}")
        return 0
    forbidden = check_sources(publication, termbase)
    for finding in forbidden:
        print(f"{shown(finding.path)}:{finding.line}:{finding.column}: {finding.message}")
    issues = term_issues(publication) or []  # a check only reads; `catalogs` writes comments
    for issue in (i for i in issues if not i.overridden):
        for term in issue.findings:
            print(f"{shown(issue.path)}:{issue.line}: segment {issue.segment}: {term.message}")
    counts = open_term_findings(publication, issues)
    print(
        f"{len(forbidden)} forbidden term(s) in the source; open term findings: "
        + (", ".join(f"{edition} {n}" for edition, n in counts.items()) or "no catalogs")
    )
    return 1 if forbidden else 0


def _publish(args: argparse.Namespace) -> int:
    return _build(args) or _check(args)


def _init(args: argparse.Namespace) -> int:
    from pipeline.init import init_publication

    config = init_publication(
        args.directory, args.source, title=args.title, publisher=args.publisher
    )
    print(f"created {shown(config)}")
    print(f"next: python -m pipeline build --project {args.directory}")
    return 0
