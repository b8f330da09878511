"""The review commands: the local review app, review packs and their import."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import project_option, shown


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register review, review pack and review import."""
    review = commands.add_parser(
        "review",
        help="review translations in the browser (a local app on 127.0.0.1), or make and "
        "import review packs",
    )
    project_option(review)
    review.add_argument("--port", type=int, default=0, help="the port (default: a random one)")
    review.add_argument(
        "--no-browser", action="store_true", help="print the address, do not open a browser"
    )
    review.set_defaults(run=_app)
    which = review.add_subparsers(dest="review_command", metavar="[pack | import]")
    pack = which.add_parser(
        "pack", help="write one offline HTML file for a reviewer without the project"
    )
    project_option(pack)
    pack.add_argument("--lang", required=True, metavar="EDITION", help="the edition id")
    pack.add_argument(
        "--segments",
        default="stale,draft",
        metavar="STATUSES",
        help="which segments, by status: some of stale, draft, missing, approved "
        "(default: stale,draft)",
    )
    pack.add_argument("--reviewer", default="", metavar="NAME", help="the reviewer's name")
    pack.add_argument("--output", type=Path, default=None, metavar="FILE", help="the HTML file")
    pack.set_defaults(run=_pack)
    imports = which.add_parser("import", help="apply review files returned from review packs")
    project_option(imports)
    imports.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imports.set_defaults(run=_import)


def _app(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.review_app.server import serve

    publication = load_config(args.project)
    serve(publication, port=args.port, open_browser=not args.no_browser, announce=print)
    return 0


def _pack(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.review_pack import make_pack

    publication = load_config(args.project)
    statuses = [s.strip() for s in args.segments.split(",") if s.strip()]
    result = make_pack(publication, args.lang, statuses, args.reviewer, args.output)
    print(f"wrote {shown(result.path)}: {result.segments} segment(s) of {args.lang}")
    print(
        f"pack {result.pack}, recorded in {shown(result.record)}: commit it, so that the "
        "returned review file can be imported"
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.review_pack import import_reviews

    publication = load_config(args.project)
    summary = import_reviews(publication, args.files)
    for line in summary.lines():
        print(line)
    return 1 if summary.conflicts else 0
