"""Command-line interface: argument parsing, messages and exit codes only."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pipeline.errors import PipelineError

if TYPE_CHECKING:
    from pipeline.mt.translate import Progress

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
    print(f"wrote {_shown(report.path)}")
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
        print(f"{_shown(finding.path)}:{finding.line}:{finding.column}: {finding.message}")
    issues = term_issues(publication) or []  # a check only reads; `catalogs` writes comments
    for issue in (i for i in issues if not i.overridden):
        for term in issue.findings:
            print(f"{_shown(issue.path)}:{issue.line}: segment {issue.segment}: {term.message}")
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
    print(f"created {_shown(config)}")
    print(f"next: python -m pipeline build --project {args.directory}")
    return 0


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
            f"updated {_shown(change.path)}: {change.added} new, {change.stale} stale, "
            f"{change.obsolete} obsolete"
        )
    if issues is not None:
        counts = open_term_findings(publication, issues).items()
        print("open term findings: " + ", ".join(f"{edition} {n}" for edition, n in counts))
    return 0


def _status(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.review import (
        STATUSES,
        edition_summaries,
        open_term_findings,
        segments,
        term_issues,
    )

    if args.segments:
        for segment in segments(load_config(args.project), args.segments):
            german = segment.german if len(segment.german) <= 60 else segment.german[:59] + "…"
            print(f"{segment.id}  {segment.status:8}  {segment.origin:7}  {german}")
        return 0
    publication = load_config(args.project)
    summaries = edition_summaries(publication)
    issues = term_issues(publication)  # None: no termbase, so no term column
    terms = open_term_findings(publication, issues) if issues is not None else {}
    if args.json:
        data = {
            edition: {**s.counts, "total": s.total, "approved_share": round(s.approved_share, 4)}
            | {"term_findings": terms.get(edition)}
            for edition, s in summaries.items()
        }
        print(json.dumps(data, indent=2))
    else:
        column = f"{'terms':>10}" if issues is not None else ""
        print(
            f"{'edition':10}"
            + "".join(f"{name:>10}" for name in STATUSES)
            + f"{'share':>10}"
            + column
        )
        for edition, summary in summaries.items():
            counts = "".join(f"{summary.counts[name]:>10}" for name in STATUSES)
            open_terms = f"{terms[edition]:>10}" if issues is not None else ""
            print(f"{edition:10}{counts}{summary.approved_share:>10.0%}{open_terms}")
    short = [e for e, s in summaries.items() if s.counts["approved"] < s.total]
    if args.require == "approved" and short:
        print(f"error: not fully approved: {', '.join(short)}", file=sys.stderr)
        return 1
    return 0


def _approve(args: argparse.Namespace) -> int:
    import datetime as dt

    from pipeline.config import load_config
    from pipeline.review import OpenTermFindings, approve_segments

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


def _glossary_validate(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.glossary import TERMBASE, load_termbase

    termbase = load_termbase(load_config(args.project))
    if termbase is None:
        print(f"no termbase: create {args.project / TERMBASE} (see glossary/README.md)")
        return 1
    counts = {s: len(termbase.by_status(s)) for s in ("preferred", "forbidden", "do-not-translate")}
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    print(f"{_shown(termbase.path)}: {len(termbase.concepts)} concepts ({summary}), no problems")
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
        print(f"wrote {_shown(result.state)} (DeepL glossary {result.glossary_id})")
    return 0


def _glossary_export(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.tbx import export_tbx

    termbase = export_tbx(load_config(args.project), args.tbx)
    print(f"wrote {_shown(args.tbx)}: {len(termbase.concepts)} concepts as TBX-Basic")
    return 0


def _glossary_import(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.tbx import import_tbx

    termbase = import_tbx(load_config(args.project), args.tbx)
    count = len(termbase.concepts)
    print(f"wrote {_shown(termbase.path)}: {count} concepts from {_shown(args.tbx)}")
    return 0


def _lint_easy(args: argparse.Namespace) -> int:
    from pipeline.easy import lint_file, lint_stream, load_easy_config

    config = load_easy_config(args.project)
    findings = [
        finding
        for name in args.files
        for finding in (
            lint_stream(sys.stdin, config) if name == "-" else lint_file(Path(name), config)
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
        print(f"{errors} error(s), {len(findings) - errors} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def _draft_easy(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.easy.draft import DRAFT, draft_easy
    from pipeline.mt.client import client_from_environment

    publication = load_config(args.project)
    target = args.output or publication.root / DRAFT
    result = draft_easy(publication, client_from_environment(), target, args.replace)
    print(
        f"wrote {_shown(result.path)}: {result.paragraphs} paragraph(s) rephrased by DeepL Write "
        f"in {result.requests} request(s), {result.characters} characters; a draft for a writer, "
        "never published"
    )
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
        if name == "check":
            command.add_argument(
                "what",
                nargs="?",
                choices=["terms"],
                help="terms: check source and catalogs against the termbase instead",
            )
    _add_translation_commands(commands)
    _add_glossary_commands(commands)
    _add_easy_commands(commands)
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
    _project_option(translate)
    which = translate.add_mutually_exclusive_group(required=True)
    which.add_argument("--lang", action="append", metavar="EDITION", help="an edition id")
    which.add_argument("--all", action="store_true", help="every translated edition")
    translate.add_argument(
        "--dry-run", action="store_true", help="print what would be billed, send nothing"
    )
    translate.set_defaults(run=_translate)


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


def _add_glossary_commands(commands: argparse._SubParsersAction) -> None:
    glossary = commands.add_parser("glossary", help="work with the termbase in glossary/")
    actions = glossary.add_subparsers(dest="action", required=True, metavar="ACTION")
    validate = actions.add_parser("validate", help="report every problem of glossary/terms.csv")
    _project_option(validate)
    validate.set_defaults(run=_glossary_validate)
    sync = actions.add_parser("sync", help="create or update the DeepL glossary of the termbase")
    _project_option(sync)
    sync.set_defaults(run=_glossary_sync)
    export = actions.add_parser(
        "export", help="write the termbase as TBX-Basic (ISO 30042:2019) for terminology tools"
    )
    _project_option(export)
    export.add_argument("--tbx", type=Path, required=True, metavar="FILE", help="the file to write")
    export.set_defaults(run=_glossary_export)
    import_ = actions.add_parser(
        "import", help="replace glossary/terms.csv with the concepts of a TBX-Basic file"
    )
    _project_option(import_)
    import_.add_argument("--tbx", type=Path, required=True, metavar="FILE", help="the file to read")
    import_.set_defaults(run=_glossary_import)


def _add_easy_commands(commands: argparse._SubParsersAction) -> None:
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
    _project_option(lint)
    lint.set_defaults(run=_lint_easy)
    draft = commands.add_parser(
        "draft-easy",
        help="rephrase the German source simply with DeepL Write, as a draft for a writer",
        description="Write drafts/leichte-sprache-entwurf.md from the German source with "
        "DeepL Write (style simple; a Pro key in DEEPL_AUTH_KEY). The draft is never published.",
    )
    _project_option(draft)
    draft.add_argument("--output", type=Path, metavar="FILE", help="where to write the draft")
    draft.add_argument("--replace", action="store_true", help="replace an existing draft")
    draft.set_defaults(run=_draft_easy)
