"""The publication's DeepL glossary: one v3 multilingual glossary, one dictionary per DE→xx pair.

`glossary sync` uploads the termbase's preferred and do-not-translate terms (a do-not-translate
term maps to itself; forbidden terms are never entries). glossary/deepl.json records the
glossary's id and, per termbase language, the DeepL language and the termbase version synced
(`Termbase.version`). Sync compares the termbase with that file and sends only what changed:
nothing when nothing changed, one dictionary when one language's terms changed. The file holds
no key; commit it with the termbase.

`translate` binds each request to the glossary and puts the version into the memory key, so
changed terms mean new drafts. It refuses to run on a termbase changed since the last sync.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import deepl
from deepl.api_data import MultilingualGlossaryDictionaryEntries

from pipeline import atomic
from pipeline.catalogs import translated_editions
from pipeline.config import Edition, Publication
from pipeline.errors import PipelineError, read_utf8
from pipeline.glossary import TERMBASE, Termbase, load_termbase
from pipeline.mt.client import call_deepl, deepl_target

log = logging.getLogger(__name__)

STATE = Path("glossary") / "deepl.json"
SOURCE = "DE"  # the source language translate sends
# The DE→xx glossary pairs DeepL offered for our languages in late 2026, used only where no
# server is asked (a dry run); `sync` asks the server (`glossary_targets`). Other targets are
# translated without a glossary, and the post-check covers them.
GLOSSARY_LANGUAGES = frozenset("EN TR AR PL RU UK IT EL RO BG".split())
_TARGETS: dict[str, frozenset[str]] = {}  # server URL -> its DE→xx glossary targets


def glossary_targets(client: deepl.DeepLClient) -> frozenset[str]:
    """Return the targets DeepL offers glossaries for from German, asked once per server."""
    key = str(client.server_url)
    if key not in _TARGETS:
        pairs = call_deepl(client, client.get_glossary_languages)
        _TARGETS[key] = frozenset(
            p.target_lang.upper() for p in pairs if p.source_lang.upper() == SOURCE
        )
    return _TARGETS[key]


@dataclass(frozen=True)
class Dictionary:
    """One DE→xx dictionary of the glossary, as the termbase has it now."""

    lang: str  # the termbase language, e.g. en-GB
    target: str  # DeepL's glossary language: the base language, e.g. EN
    entries: dict[str, str]
    version: str  # Termbase.version(lang)


@dataclass(frozen=True)
class Synced:
    """What the last sync uploaded for one termbase language."""

    target: str
    version: str


@dataclass
class State:
    """The contents of glossary/deepl.json."""

    glossary_id: str | None
    name: str
    dictionaries: dict[str, Synced]  # termbase language -> what was synced


@dataclass
class SyncResult:
    """What a sync did: the requests sent and the languages left without a glossary."""

    glossary_id: str | None
    created: bool = False  # a new glossary: the first sync, or the recorded one was gone
    recreated: bool = False  # the recorded glossary no longer existed on the server
    sent: list[Dictionary] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # languages whose dictionary was deleted
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (language, why)
    state: Path | None = None  # the state file, when it was written


def glossary_language(edition: Edition) -> str:
    """Return DeepL's glossary language for an edition: the base of its target, EN for EN-GB."""
    return deepl.Language.remove_regional_variant(deepl_target(edition))


def dictionaries(
    publication: Publication, termbase: Termbase, targets: frozenset[str] = GLOSSARY_LANGUAGES
) -> tuple[list[Dictionary], list[tuple[str, str]]]:
    """Return the dictionaries the glossary should hold, and the languages it cannot serve.

    `targets` are the languages DeepL offers DE→xx glossaries for.
    """
    wanted: list[Dictionary] = []
    skipped: list[tuple[str, str]] = []
    editions: dict[str, Edition] = {}
    for edition in translated_editions(publication):
        editions.setdefault(edition.lang, edition)
    for lang, edition in editions.items():
        target = glossary_language(edition)
        taken = next((d.lang for d in wanted if d.target == target), None)
        entries = {
            c.terms[termbase.source_language]: str(c.term(lang))
            for c in termbase.concepts
            if c.status != "forbidden" and c.term(lang)
        }
        if target.split("-")[0] not in {t.split("-")[0] for t in targets}:
            skipped.append((lang, f"DeepL offers none for DE→{target}"))
        elif taken:
            skipped.append((lang, f"{taken} already uses the DE→{target} dictionary"))
        elif not entries:
            skipped.append((lang, "no preferred or do-not-translate terms"))
        else:
            wanted.append(Dictionary(lang, target, entries, termbase.version(lang)))
    return wanted, skipped


def sync(publication: Publication, client: deepl.DeepLClient) -> SyncResult:
    """Bring the DeepL glossary in line with the termbase, sending only what changed."""
    termbase = load_termbase(publication)
    if termbase is None:
        raise PipelineError(
            "no termbase to sync; create it (see glossary/README.md)", publication.root / TERMBASE
        )
    state = read_state(publication.root)
    wanted, skipped = dictionaries(publication, termbase, _offered(publication, client, state))
    state = state or State(None, f"{publication.slug} termbase", {})
    result = SyncResult(state.glossary_id, skipped=skipped)
    changed = [d for d in wanted if state.dictionaries.get(d.lang) != Synced(d.target, d.version)]
    removed = [lang for lang in state.dictionaries if lang not in {d.lang for d in wanted}]
    if not changed and not removed:
        return result  # decided from the state file alone: nothing is sent
    send = _Sender(client, publication.root, state, result)
    try:
        if state.glossary_id is None:
            send.create(wanted)
        elif not wanted:
            send.delete()
        elif not send.update(changed, removed):
            log.info("glossary %s is gone from DeepL; creating a new one", state.glossary_id)
            result.recreated = True
            send.create(wanted)
    except ValueError as exc:  # the client checks every term before it sends one
        raise PipelineError(f"DeepL does not accept a term: {exc}", termbase.path) from None
    result.state = publication.root / STATE
    return result


class _Sender:
    """Send glossary requests one by one, saving the state file after each."""

    def __init__(self, client: deepl.DeepLClient, root: Path, state: State, result: SyncResult):
        self.client, self.root, self.state, self.result = client, root, state, result

    def create(self, wanted: list[Dictionary]) -> None:
        create = partial(self.client.create_multilingual_glossary, self.state.name)
        info = call_deepl(self.client, partial(create, [_entries(d) for d in wanted]))
        self.state.glossary_id = self.result.glossary_id = info.glossary_id
        self.state.dictionaries = {d.lang: Synced(d.target, d.version) for d in wanted}
        self.result.created = True
        self.result.sent = list(wanted)
        self._save()

    def update(self, changed: list[Dictionary], removed: list[str]) -> bool:
        """Replace changed dictionaries, delete removed ones; False if the glossary is gone."""
        glossary_id = str(self.state.glossary_id)
        for dictionary in changed:
            replace = self.client.replace_multilingual_glossary_dictionary
            if not self._send(partial(replace, glossary_id, _entries(dictionary))):
                return False
            self.state.dictionaries[dictionary.lang] = Synced(dictionary.target, dictionary.version)
            self.result.sent.append(dictionary)
            self._save()
        for lang in removed:
            target = self.state.dictionaries.pop(lang).target
            delete = self.client.delete_multilingual_glossary_dictionary
            # Not found: the dictionary is gone already, which is what we want.
            self._send(partial(delete, glossary_id, source_lang=SOURCE, target_lang=target))
            self.result.removed.append(lang)
            self._save()
        return True

    def delete(self) -> None:
        # Not found: the glossary is gone already, which is what we want.
        self._send(partial(self.client.delete_multilingual_glossary, str(self.state.glossary_id)))
        self.result.removed = sorted(self.state.dictionaries)
        self.state.glossary_id = self.result.glossary_id = None
        self.state.dictionaries = {}
        self._save()

    def _send(self, call: Callable[[], object]) -> bool:
        """Send one glossary request; False if DeepL does not know the glossary (404)."""

        def found() -> bool:
            try:
                call()
            except deepl.GlossaryNotFoundException:
                return False
            return True

        return call_deepl(self.client, found)

    def _save(self) -> None:
        write_state(self.root, self.state)


def _entries(dictionary: Dictionary) -> MultilingualGlossaryDictionaryEntries:
    return MultilingualGlossaryDictionaryEntries(SOURCE, dictionary.target, dictionary.entries)


def read_state(root: Path) -> State | None:
    """Read glossary/deepl.json; None if the termbase was never synced."""
    path = root / STATE
    if not path.exists():
        return None
    try:
        data = json.loads(read_utf8(path))
        synced = {
            lang: Synced(str(d["target_lang"]), str(d["termbase_version"]))
            for lang, d in data["dictionaries"].items()
        }
        return State(data["glossary_id"], str(data["name"]), synced)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PipelineError(
            "not a DeepL glossary state file; restore it from git, or delete it and run "
            "`glossary sync` (which then creates a new glossary)",
            path,
        ) from None


def write_state(root: Path, state: State) -> None:
    """Write glossary/deepl.json atomically, in a stable order."""
    data = {
        "glossary_id": state.glossary_id,
        "name": state.name,
        "dictionaries": {
            lang: {"target_lang": s.target, "termbase_version": s.version}
            for lang, s in sorted(state.dictionaries.items())
        },
    }
    atomic.write_text(root / STATE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _offered(
    publication: Publication, client: deepl.DeepLClient, state: State | None
) -> frozenset[str]:
    """Return the glossary targets to use; ask the server only about a language not known."""
    known = GLOSSARY_LANGUAGES | (
        frozenset(s.target for s in state.dictionaries.values()) if state else frozenset()
    )
    targets = {glossary_language(e).split("-")[0] for e in translated_editions(publication)}
    if targets <= {t.split("-")[0] for t in known}:
        return known  # decided without a request, as a sync with nothing to send must be
    return glossary_targets(client)


def bound_glossaries(
    publication: Publication, editions: list[Edition], *, check: bool
) -> dict[str, tuple[str | None, str]]:
    """Return edition id -> (glossary id, version) for the editions with a DeepL glossary.

    With `check`, refuse when the termbase changed since the last sync for one of them.
    Without it (a dry run), give the version the next sync will upload.
    """
    termbase = load_termbase(publication)
    if termbase is None:
        return {}
    state = read_state(publication.root)
    # What the last sync uploaded is what the server offers, beyond the known pairs.
    synced = frozenset(s.target for s in state.dictionaries.values()) if state else frozenset()
    wanted = {
        d.lang: d for d in dictionaries(publication, termbase, GLOSSARY_LANGUAGES | synced)[0]
    }
    chosen = [e for e in editions if e.lang in wanted]
    if state is None:  # never synced: the project does not use a DeepL glossary
        if chosen and check:
            log.warning(
                "%s is not synced to DeepL; drafts are made without a glossary "
                "(run `python -m pipeline glossary sync` to use it)",
                termbase.path,
            )
        return {}
    stale = sorted(
        e.lang
        for e in chosen
        if state.dictionaries.get(e.lang) != Synced(wanted[e.lang].target, wanted[e.lang].version)
    )
    if stale and check:
        raise PipelineError(
            f"the termbase changed since the last `glossary sync` ({', '.join(stale)}); "
            "run `python -m pipeline glossary sync` first",
            publication.root / STATE,
        )
    return {e.id: (state.glossary_id, wanted[e.lang].version) for e in chosen}
