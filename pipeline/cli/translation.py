"""The translation commands: catalogs, status, approve and translate (DeepL drafts)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, TextIO

from pipeline.cli.common import project_option, shown

if TYPE_CHECKING:
    from pipeline.mt.translate import Progress


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register catalogs, status, approve and translate."""
    catalogs = commands.add_parser(
        "catalogs", help="create or update translations/<edition>.po from the German source"
    )
    project_option(catalogs)
    catalogs.set_defaults(run=_catalogs)
    status = commands.add_parser("status", help="count each segment status per edition")
    project_option(status)
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
    project_option(approve)
    approve.add_argument("--lang", required=True, metavar="EDITION", help="the edition id")
    approve.add_argument("--reviewer", required=True, metavar="NAME")
    which = approve.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--segment",
        action="extend",
        nargs="+",
        metavar="ID",
        help="one or more segment ids (from `status --segments EDITION`)",
    )
    which.add_argument("--all-drafts", action="store_true", help="every draft of the edition")
    approve.add_argument(
        "--override",
        metavar="REASON",
        help="approve drafts with term findings too, and keep this reason in the catalog",
    )
    approve.set_defaults(run=_approve)
    translate = commands.add_parser(
        "translate",
        help="fill missing and stale segments with DeepL drafts (key in DEEPL_AUTH_KEY)",
    )
    project_option(translate)
    which = translate.add_mutually_exclusive_group(required=True)
    which.add_argument("--lang", action="append", metavar="EDITION", help="an edition id")
    which.add_argument("--all", action="store_true", help="every translated edition")
    translate.add_argument(
        "--dry-run", action="store_true", help="print what would be billed, send nothing"
    )
    translate.set_defaults(run=_translate)


def _catalogs(args: argparse.Namespace) -> int:
    from pipeline.catalogs import update_catalogs
    from pipeline.config import load_config
    from pipeline.review import open_term_findings, term_issues

    publication = load_config(args.project)
    changes = update_catalogs(publication)
    issues = term_issues(publication, refresh=True)  # "term:" comments for translators
    if not changes:
        print("no translated editions in the config; add one such as [editions.tr]")
    for change in changes:
        print(
            f"updated {shown(change.path)}: {change.added} new, {change.stale} stale, "
            f"{change.obsolete} obsolete"
        )
    if issues is not None:
        counts = open_term_findings(publication, issues).items()
        print("open term findings: " + ", ".join(f"{edition} {n}" for edition, n in counts))
    return 0


def _status(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.review import STATUSES, review_numbers, segments

    if args.segments:
        print(f"{'id':12}  {'status':8}  {'origin':7}  German")
        for segment in segments(load_config(args.project), args.segments):
            print(f"{segment.id}  {segment.status:8}  {segment.origin:7}  {segment.german}")
        return 0
    numbers = review_numbers(load_config(args.project))
    if args.json:  # the shape of report.json's "review"
        print(json.dumps(numbers, indent=2))
    else:
        terms = any(n["term_findings"] is not None for n in numbers.values())
        column = f"{'terms':>10}" if terms else ""
        header = "".join(f"{name:>10}" for name in STATUSES)
        print(f"{'edition':10}{header}{'share':>10}{column}")
        for edition, n in numbers.items():
            counts = "".join(f"{n[name]:>10}" for name in STATUSES)
            open_terms = f"{n['term_findings']:>10}" if terms else ""
            print(f"{edition:10}{counts}{n['approved_share']:>10.0%}{open_terms}")
    short = [e for e, n in numbers.items() if n["approved"] != n["total"]]
    if args.require == "approved" and short:
        print(f"error: not fully approved: {', '.join(short)}", file=sys.stderr)
        return 1
    return 0


def _approve(args: argparse.Namespace) -> int:
    import datetime as dt

    from pipeline.actions import OpenTermFindings, approve_segments
    from pipeline.config import load_config

    publication = load_config(args.project)
    try:
        count = approve_segments(
            publication,
            args.lang,
            args.reviewer,
            args.segment or [],
            args.all_drafts,
            dt.datetime.now(dt.UTC),
            override=args.override,
        )
    except OpenTermFindings as refused:
        if refused.approved:
            print(f"approved {refused.approved} segment(s) of {args.lang} as {args.reviewer}")
        for line in str(refused).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    print(f"approved {count} segment(s) of {args.lang} as {args.reviewer}")
    return 0


def _translate(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.mt.client import client_from_environment, usage_left
    from pipeline.mt.translate import translate

    publication = load_config(args.project)
    editions = None if args.all else args.lang
    if args.dry_run:
        client = client_from_environment() if os.environ.get("DEEPL_AUTH_KEY") else None
        for progress in translate(publication, editions, None):
            print(
                f"{progress.edition}: {progress.total} segment(s) to fill, "
                f"{progress.estimate} characters to bill"
            )
        left = usage_left(client) if client else None
        if client is None:
            print("quota left: unknown (DEEPL_AUTH_KEY is not set)")
        else:
            print(f"quota left: {'unlimited' if left is None else f'{left} characters'}")
        return 0
    bar = _ProgressBar(sys.stderr)
    try:
        results = translate(publication, editions, client_from_environment(), bar.show)
    finally:
        bar.close()  # an error message starts on a line of its own
    billed = sum(p.billed for p in results)
    print(
        f"translated {sum(p.done for p in results)} segment(s) in {len(results)} edition(s): "
        f"{sum(p.requests for p in results)} request(s), {billed} characters billed, "
        f"{sum(p.remembered for p in results)} from the translation memory"
    )
    lost = [f"{p.edition} {p.lost_markup}" for p in results if p.lost_markup]
    if lost:
        print(
            f"warning: drafts that lost their markup were not used ({', '.join(lost)}); "
            "they are in the catalog as comments for a reviewer",
            file=sys.stderr,
        )
    return 0


class _ProgressBar:
    """One line per edition: segments done out of the total, and the characters billed."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.live = stream.isatty()  # a terminal sees the bar move; a log gets the last line
        self.edition: str | None = None

    def show(self, progress: Progress) -> None:
        filled = 20 * progress.done // progress.total if progress.total else 20
        line = (
            f"{progress.edition:6} [{'#' * filled}{'.' * (20 - filled)}] "
            f"{progress.done}/{progress.total} segments, {progress.billed} characters billed"
        )
        if self.live:
            if self.edition not in (None, progress.edition):
                self.stream.write("\n")
            self.stream.write(f"\r{line}")
        elif progress.done == progress.total:
            self.stream.write(f"{line}\n")
        self.edition = progress.edition
        self.stream.flush()

    def close(self) -> None:
        if self.live and self.edition is not None:
            self.stream.write("\n")
