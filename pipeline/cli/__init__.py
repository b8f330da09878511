"""Command-line interface: argument parsing, messages and exit codes only.

One module per group of commands; each registers its commands with `add_commands`.
"""

from __future__ import annotations

import argparse
import logging
import sys

from pipeline.cli import easy, glossary, publish, review, translation
from pipeline.errors import PipelineError, os_reason

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
    except OSError as exc:  # the last line of defence; each module names its own files
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{os_reason(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; files already written are complete", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Publish a German text as accessible HTML, PDF/UA-1 and EPUB 3 editions.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar or progress lines"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (publish, translation, review, glossary, easy):
        group.add_commands(commands)
    return parser


def _configure_logging(debug: bool, verbose: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(name)s: %(message)s")
    # WeasyPrint reports every CSS property it ignores; its errors reach us through pdf.py,
    # whose handler sits on the "weasyprint" logger itself.
    logging.getLogger("weasyprint").propagate = debug
    logging.getLogger("fontTools").setLevel(logging.WARNING if debug else logging.ERROR)
