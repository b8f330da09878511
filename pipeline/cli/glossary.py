"""The termbase commands: glossary validate, sync, export and import."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import project_option, shown


def add_commands(commands: argparse._SubParsersAction) -> None:
    glossary = commands.add_parser("glossary", help="work with the termbase in glossary/")
    actions = glossary.add_subparsers(dest="action", required=True, metavar="ACTION")
    validate = actions.add_parser("validate", help="report every problem of glossary/terms.csv")
    project_option(validate)
    validate.set_defaults(run=_glossary_validate)
    sync = actions.add_parser("sync", help="create or update the DeepL glossary of the termbase")
    project_option(sync)
    sync.set_defaults(run=_glossary_sync)
    export = actions.add_parser(
        "export", help="write the termbase as TBX-Basic (ISO 30042:2019) for terminology tools"
    )
    project_option(export)
    export.add_argument("--tbx", type=Path, required=True, metavar="FILE", help="the file to write")
    export.set_defaults(run=_glossary_export)
    import_ = actions.add_parser(
        "import", help="replace glossary/terms.csv with the concepts of a TBX-Basic file"
    )
    project_option(import_)
    import_.add_argument("--tbx", type=Path, required=True, metavar="FILE", help="the file to read")
    import_.set_defaults(run=_glossary_import)


def _glossary_validate(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.glossary import TERMBASE, load_termbase

    termbase = load_termbase(load_config(args.project))
    if termbase is None:
        print(f"no termbase: create {args.project / TERMBASE} (see glossary/README.md)")
        return 1
    counts = {s: len(termbase.by_status(s)) for s in ("preferred", "forbidden", "do-not-translate")}
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    print(f"{shown(termbase.path)}: {len(termbase.concepts)} concepts ({summary}), no problems")
    return 0


def _glossary_sync(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.mt.client import client_from_environment
    from pipeline.mt.glossary import sync

    result = sync(load_config(args.project), client_from_environment())
    for lang, why in result.skipped:
        print(
            f"no DeepL glossary for {lang} ({why}): "
            "the terminology check after translation covers it"
        )
    if result.recreated:
        print("the DeepL glossary in glossary/deepl.json no longer existed; created a new one")
    for dictionary in result.sent:
        print(f"sent DE→{dictionary.target} ({dictionary.lang}): {len(dictionary.entries)} term(s)")
    for lang in result.removed:
        print(f"removed the dictionary for {lang} from the DeepL glossary")
    if result.state is None:
        print("the DeepL glossary is up to date with the termbase; nothing sent")
    else:
        print(f"wrote {shown(result.state)} (DeepL glossary {result.glossary_id})")
    return 0


def _glossary_export(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.tbx import export_tbx

    termbase = export_tbx(load_config(args.project), args.tbx)
    print(f"wrote {shown(args.tbx)}: {len(termbase.concepts)} concepts as TBX-Basic")
    return 0


def _glossary_import(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.tbx import import_tbx

    termbase = import_tbx(load_config(args.project), args.tbx)
    count = len(termbase.concepts)
    print(f"wrote {shown(termbase.path)}: {count} concepts from {shown(args.tbx)}")
    return 0
