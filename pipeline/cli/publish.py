"""The publishing commands: build, check (also check terms), publish and init."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.cli.common import project_options, shown
from pipeline.progress import Progress

if TYPE_CHECKING:
    from pipeline.build import BuildResult
    from pipeline.checks.conformance import Report


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register build, check, publish and init."""
    for name, run, text in (
        ("build", _build, "write every edition that changed to output/"),
        ("check", _check, "judge output/ with the conformance checkers, write output/report.json"),
        ("publish", _publish, "build, check, then claim conformance in each EPUB that passed"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        project_options(command)
        command.set_defaults(run=run)
        command.add_argument(
            "--no-cache",
            dest="use_cache",
            action="store_false",
            help="render and check everything again, without reading or writing .cache/",
        )
        if name != "check":
            command.add_argument(
                "-j",
                "--jobs",
                type=_jobs,
                default=None,
                metavar="N",
                help="render in N worker processes (default: one per core)",
            )
        if name != "build":
            command.add_argument(
                "--lang",
                type=_language,
                default=None,
                metavar="LANG",
                help="the language of output/report.html (default: the source language)",
            )
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


def _language(text: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(text, sep="-")
    except (ValueError, UnknownLocaleError):
        raise argparse.ArgumentTypeError(f"unknown language tag {text!r}") from None
    return text


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of workers, 1 or more, not {text!r}")
    return int(text)


def _progress(args: argparse.Namespace) -> Progress | None:
    return None if args.quiet else Progress()


def _run_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options build and publish share: workers, cache, progress."""
    return {"jobs": args.jobs, "use_cache": args.use_cache, "progress": _progress(args)}


def _build(args: argparse.Namespace) -> int:
    from pipeline.build import build

    result = build(args.project, args.output, **_run_options(args))
    _print_build(result)
    return 0


def _print_build(result: BuildResult) -> None:
    if not result.changed:
        print(f"{shown(result.output)} is up to date")
    else:
        rendered = set(result.rendered)
        for artifact in result.artifacts:
            name = str(artifact.path.relative_to(result.output))
            print(f"{'wrote' if name in rendered else 'kept '} {shown(artifact.path)}")
        print(f"wrote {shown(result.landing)}")
    for path, note in result.notes:
        print(f"{shown(path)}: {note}")


def _check(args: argparse.Namespace) -> int:
    from pipeline.publish import check

    if getattr(args, "what", None) == "terms":
        return _check_terms(args)
    report = check(
        args.project,
        args.output,
        use_cache=args.use_cache,
        progress=_progress(args),
        lang=args.lang,
    )
    _print_report(report)
    return 0 if report.passed else 1


def _print_report(report: Report) -> None:
    for finding in report.findings:
        print(finding)
    for edition, sections in (report.readability or {}).items():
        for section in sections:  # type: ignore[attr-defined]  # hints, not findings
            print(
                f"readability {edition}, {section['section'] or '-'}: Flesch-Amstad "
                f"{section['flesch_amstad']}, Wiener Sachtextformel "
                f"{section['wiener_sachtextformel']} (a hint)"
            )
    print(report.summary())
    print(f"wrote {shown(report.path)}")
    if report.facts:
        print(f"wrote {shown(report.path.with_name('report.html'))}")


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
    from pipeline.publish import publish

    done = publish(args.project, args.output, lang=args.lang, **_run_options(args))
    _print_build(done.build)
    _print_report(done.report)
    for path in done.claimed:
        print(f"claimed EPUB Accessibility 1.1 conformance in {shown(path)}")
    return 0 if done.report.passed else 1


def _init(args: argparse.Namespace) -> int:
    from pipeline.init import init_publication

    config = init_publication(
        args.directory, args.source, title=args.title, publisher=args.publisher
    )
    print(f"created {shown(config)}")
    print(f"next: python -m pipeline build --project {args.directory}")
    return 0
