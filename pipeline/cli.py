"""Command-line interface: argument parsing, messages and exit codes only."""

from __future__ import annotations

import argparse
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


def _project_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the publication's directory, with publication.toml (default: .)",
    )
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
