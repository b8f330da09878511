"""Every edition's text for a build: kept from the last build where its inputs are unchanged.

An edition's text (pipeline/localize.py) is made from the config, the sources, the
glossary and the edition's own catalog. It is kept in the cache under the hashes of
exactly those files, so approving a Polish segment makes only the Polish text again,
and the other editions' texts come back in milliseconds. Texts that must be made are made
in the build's worker processes, one edition each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import terms
from pipeline.cache import Cache, code_fingerprint, digest, file_sha
from pipeline.catalogs import catalog_path, template, translated_editions
from pipeline.checks.easy_gate import check_easy_sources, gate_inputs, log_warnings
from pipeline.config import Edition, Publication
from pipeline.glossary import Concept, Termbase, load_termbase
from pipeline.localize import EditionText, edition_text, own_text
from pipeline.source import Document, load_document
from pipeline.typography import tie_numbers
from pipeline.wordlist import used_concepts


@dataclass(frozen=True)
class Text:
    """An edition's text and the hash of it, which the keys of its artifacts start from."""

    text: EditionText
    key: str  # digest of the text: the same text, however made, has the same key


def edition_texts(
    publication: Publication,
    files: Mapping[str, str],
    cache: Cache,
    pool: ProcessPoolExecutor | None = None,
) -> dict[str, Text]:
    """Return every edition's text; `files` are the hashes of the files a build reads.

    Every source, catalog and glossary row is read and checked before anything renders:
    an edition whose inputs changed is made again, and with it its checks.
    """
    _gate_easy_editions(publication, cache)
    keys = {e.id: _input_key(publication, e, files) for e in publication.editions}
    texts = {e.id: kept for e in publication.editions if (kept := _kept(cache, keys[e.id]))}
    todo = [e for e in publication.editions if e.id not in texts]
    if not todo:
        return texts
    with _known_words(publication, cache):
        shared = _Shared.of(publication, todo, files, cache)
        for edition, text in zip(todo, _make(publication, todo, shared, pool), strict=True):
            texts[edition.id] = text
            _keep(cache, keys[edition.id], text)
    return {e.id: texts[e.id] for e in publication.editions}


def _input_key(publication: Publication, edition: Edition, files: Mapping[str, str]) -> str:
    """Hash what an edition's text is made from: no other edition's catalog, nor
    (for an edition with a text of its own) the main sources."""
    root = publication.root
    catalog = str(catalog_path(publication, edition).relative_to(root))
    main = {str(p.relative_to(root)) for p in publication.sources if p.is_relative_to(root)}
    read = {
        name: sha
        for name, sha in files.items()
        if (not name.startswith("translations/") or name == catalog)
        and not (edition.own_text and name in main)
    }
    # The root too: a text names its files by their paths.
    return digest(["edition text", code_fingerprint(), str(root), edition, publication, read])


def _images_unchanged(entry: object) -> bool:
    """Tell whether the images recorded with a kept value still have their hashes."""
    if not isinstance(entry, dict) or not isinstance(entry.get("images"), dict):
        return False
    try:
        return all(file_sha(Path(p)) == sha for p, sha in entry["images"].items())
    except OSError:  # an image was deleted: the text is made again, and says so
        return False


def _kept(cache: Cache, key: str) -> Text | None:
    """Return a text kept under a key if the images it shows are unchanged."""
    entry = cache.result(key)
    if not _images_unchanged(entry):
        return None
    assert isinstance(entry, dict)
    text = cache.value(key)
    if not isinstance(text, EditionText) or not isinstance(entry.get("digest"), str):
        return None
    return Text(text, entry["digest"])


def _keep(cache: Cache, key: str, text: Text) -> None:
    cache.store_value(key, text.text)
    cache.store_result(key, {"digest": text.key, "images": _image_shas(text.text.document)})


def _image_shas(document: Document) -> dict[str, str]:
    """Hash the images a document shows: they are not among the files hashed for its key."""
    return {str(i.path): file_sha(i.path) for i in document.images}


@dataclass(frozen=True)
class _Shared:
    """What the texts made from the main source have in common, made once for them all."""

    document: Document | None
    termbase: Termbase | None
    glossary: list[Concept]
    pot: Any  # the German template, a Babel Catalog

    @classmethod
    def of(
        cls, publication: Publication, todo: list[Edition], files: Mapping[str, str], cache: Cache
    ) -> _Shared:
        """Make what the editions in `todo` need, or take it from the cache (no catalog
        counts: an approval leaves it as it was)."""
        main = not all(e.own_text for e in todo)
        read = {n: sha for n, sha in files.items() if not n.startswith("translations/")}
        key = digest(["shared", code_fingerprint(), str(publication.root), publication, read])
        kept = cache.value(key) if main else None
        if isinstance(kept, _Shared) and _images_unchanged(cache.result(key)):
            return kept
        termbase = load_termbase(publication)
        if not main:
            return cls(None, termbase, [], None)
        document = load_document(publication)
        glossary = used_concepts(termbase, document.ast["blocks"]) if termbase else []
        pot = template(publication) if translated_editions(publication) else None
        shared = cls(document, termbase, glossary, pot)
        cache.store_value(key, shared)
        cache.store_result(key, {"images": _image_shas(document)})  # it holds cleaned SVGs
        return shared


def _make(
    publication: Publication, todo: list[Edition], shared: _Shared, pool: ProcessPoolExecutor | None
) -> list[Text]:
    if pool is None or len(todo) == 1:
        return [_text(publication, e, shared)[0] for e in todo]
    futures = [pool.submit(_text, publication, e, shared) for e in todo]
    made = [future.result() for future in futures]
    for _, words in made:  # what the workers' term analyzers learnt, for the next build
        for lang, known in words.items():
            terms.remember_words(lang, known)
    return [text for text, _ in made]


def _text(
    publication: Publication, edition: Edition, shared: _Shared
) -> tuple[Text, dict[str, dict[str, list[str]]]]:
    if edition.own_text:
        text = own_text(publication, edition, shared.termbase)
    else:
        assert shared.document is not None
        text = edition_text(publication, edition, shared.document, shared.glossary, shared.pot)
    # Numbers tied to their units in every format: a line never ends in "553" before "kB".
    # Not yet in right-to-left text: WeasyPrint 70 orders the inline boxes of a line without
    # the bidi algorithm, and a tied Latin run that starts a line came out reversed.
    if edition.dir == "ltr":
        text = dataclasses.replace(text, document=tie_numbers(text.document))
    langs = {publication.source_language, edition.lang}
    return Text(text, digest(text, publication.root)), {
        lang: terms.known_words(lang) for lang in langs
    }


def _gate_easy_editions(publication: Publication, cache: Cache) -> None:
    """Lint every easy-language edition's sources: the linter's errors block the edition.

    A text that passed is not linted again while it, the waivers and the linter's
    settings are unchanged; the build still logs its warnings.
    """
    for edition in publication.editions:
        if edition.style != "easy":
            continue
        inputs = gate_inputs(publication.root, edition.sources)
        key = digest(["easy gate", code_fingerprint(), inputs], publication.root)
        warnings = cache.result(key)
        if isinstance(warnings, int):
            log_warnings(warnings)
        else:
            found = check_easy_sources(publication.root, edition.sources, edition.metadata)
            cache.store_result(key, len(found))


@contextmanager
def _known_words(publication: Publication, cache: Cache) -> Iterator[None]:
    """Keep what the term analyzers worked out (pipeline/terms.py) in the cache."""
    langs = sorted({publication.source_language} | {e.lang for e in publication.editions})
    keys = {lang: digest(["word keys", lang, code_fingerprint()]) for lang in langs}
    sizes = {}
    for lang, key in keys.items():
        known = cache.result(key)
        if isinstance(known, dict):
            terms.remember_words(lang, known)
        sizes[lang] = len(terms.known_words(lang))
    yield
    for lang, key in keys.items():
        if len(terms.known_words(lang)) > sizes[lang]:
            cache.store_result(key, terms.known_words(lang))
