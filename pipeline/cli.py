"""Command-line interface: argument parsing, messages and exit codes only."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from pipeline.errors import PipelineError

log = logging.getLogger("pipeline")

# What each log level means here:
#   DEBUG    details for developers (--debug);
#   INFO     progress: each file written, each checker run (--verbose);
#   WARNING  something a user should look at, the run still succeeds;
#   ERROR    the run fails.


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    _configure_logging(args.debug, args.verbose)
    try:
        return int(args.run(args))
    except PipelineError as exc:
        if args.debug:
            raise
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; files already written are complete", file=sys.stderr)
        return 130


def _build(args: argparse.Namespace) -> int:
    from pipeline.build import build

    result = build(args.project, args.output)
    for artifact in result.artifacts:
        print(f"wrote {_shown(artifact.path)}")
    print(f"wrote {_shown(result.landing)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from pipeline.checks.conformance import run_checks

    output = args.output or args.project / "output"
    report = run_checks(output)
    for finding in report.findings:
        print(finding)
    print(report.summary())
    print(f"wrote {_shown(report.path)}")
    return 0 if report.passed else 1


def _publish(args: argparse.Namespace) -> int:
    return _build(args) or _check(args)


def _init(args: argparse.Namespace) -> int:
    from pipeline.init import init_publication

    config = init_publication(
        args.directory, args.source, title=args.title, publisher=args.publisher
    )
    print(f"created {_shown(config)}")
    print(f"next: python -m pipeline build --project {args.directory}")
    return 0


def _catalogs(args: argparse.Namespace) -> int:
    from pipeline.catalogs import update_catalogs
    from pipeline.config import load_config

    changes = update_catalogs(load_config(args.project))
    if not changes:
        print("no translated editions in the config; add one such as [editions.tr]")
    for change in changes:
        print(
            f"updated {_shown(change.path)}: {change.added} new, {change.stale} stale, "
            f"{change.obsolete} obsolete"
        )
    return 0


def _status(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.review import STATUSES, edition_summaries, segments

    if args.segments:
        for segment in segments(load_config(args.project), args.segments):
            german = segment.german if len(segment.german) <= 60 else segment.german[:59] + "…"
            print(f"{segment.id}  {segment.status:8}  {segment.origin:7}  {german}")
        return 0
    summaries = edition_summaries(load_config(args.project))
    if args.json:
        data = {
            edition: {**s.counts, "total": s.total, "approved_share": round(s.approved_share, 4)}
            for edition, s in summaries.items()
        }
        print(json.dumps(data, indent=2))
    else:
        print(f"{'edition':10}" + "".join(f"{name:>10}" for name in STATUSES) + f"{'share':>10}")
        for edition, summary in summaries.items():
            counts = "".join(f"{summary.counts[name]:>10}" for name in STATUSES)
            print(f"{edition:10}{counts}{summary.approved_share:>10.0%}")
    short = [e for e, s in summaries.items() if s.counts["approved"] < s.total]
    if args.require == "approved" and short:
        print(f"error: not fully approved: {', '.join(short)}", file=sys.stderr)
        return 1
    return 0


def _approve(args: argparse.Namespace) -> int:
    import datetime as dt

    from pipeline.config import load_config
    from pipeline.review import approve_segments

    publication = load_config(args.project)
    count = approve_segments(
        publication,
        args.lang,
        args.reviewer,
        args.segment or [],
        args.all_drafts,
        dt.datetime.now(dt.UTC),
    )
    print(f"approved {count} segment(s) of {args.lang} as {args.reviewer}")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Publish a German text as accessible HTML, PDF/UA-1 and EPUB 3 editions.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, run, text in (
        ("build", _build, "write every edition to output/"),
        ("check", _check, "run the conformance checkers on output/, write output/report.json"),
        ("publish", _publish, "build, then check"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        _project_options(command)
        command.set_defaults(run=run)
    _add_translation_commands(commands)
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
    return parser


def _add_translation_commands(commands: argparse._SubParsersAction) -> None:
    catalogs = commands.add_parser(
        "catalogs", help="create or update translations/<edition>.po from the German source"
    )
    _project_option(catalogs)
    catalogs.set_defaults(run=_catalogs)
    status = commands.add_parser("status", help="count each segment status per edition")
    _project_option(status)
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.add_argument(
        "--require", choices=["approved"], help="exit 1 if an edition is not fully approved"
    )
    status.add_argument(
        "--segments",
        metavar="EDITION",
        help="list one edition's segments instead: id, status, origin and German text",
    )
    status.set_defaults(run=_status)
    approve = commands.add_parser("approve", help="record a reviewer's approval of drafts")
    _project_option(approve)
    approve.add_argument("--lang", required=True, metavar="EDITION", help="the edition id")
    approve.add_argument("--reviewer", required=True, metavar="NAME")
    which = approve.add_mutually_exclusive_group(required=True)
    which.add_argument("--segment", action="append", metavar="ID", help="a segment id")
    which.add_argument("--all-drafts", action="store_true", help="every draft of the edition")
    approve.set_defaults(run=_approve)


def _project_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the publication's directory, with publication.toml (default: .)",
    )


def _project_options(command: argparse.ArgumentParser) -> None:
    _project_option(command)
    command.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the editions (default: DIR/output)",
    )


def _configure_logging(debug: bool, verbose: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(name)s: %(message)s")
    # WeasyPrint reports every CSS property it ignores; its errors reach us through pdf.py,
    # whose handler sits on the "weasyprint" logger itself.
    logging.getLogger("weasyprint").propagate = debug
    logging.getLogger("fontTools").setLevel(logging.WARNING if debug else logging.ERROR)
