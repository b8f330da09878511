"""The one module that talks to the language data: the HanTa tagger and wordfreq.

Both ship their data inside the package and load it from disk; nothing is downloaded.
Each loads on first use, so rules that need neither never pay for them.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

log = logging.getLogger(__name__)

# Morpheme tags of HanTa that carry a word's meaning; prefixes, suffixes, joints (Fugen)
# and verb particles do not.
ROOT_TAGS = frozenset(
    "NN NN_VAR NN_VAR_EL NN_VAR_ELIS NN_IRR ADJ ADJ_VAR ADJ_IRR ADJ_INVAR "
    "VV VV_VAR VVnp VVnp_VAR NE NE_VAR".split()
)


@functools.cache
def _tagger() -> Any:
    from HanTa import HanoverTagger

    log.debug("loading the HanTa model for German")
    return HanoverTagger.HanoverTagger("morphmodel_ger.pgz")


def tag(words: list[str]) -> list[tuple[str, str]]:
    """Return (lemma, part of speech) for each word of one sentence."""
    return list(_tag(tuple(words))) if words else []


@functools.lru_cache(maxsize=4096)
def _tag(words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    tags = _tagger().tag_sent(list(words), taglevel=0)
    return tuple((_lemma(word, pos), pos) for word, pos in zip(words, tags, strict=True))


def clear_sentence_cache() -> None:
    """Forget the tagged sentences (the benchmark times tagging afresh)."""
    _tag.cache_clear()


@functools.lru_cache(maxsize=65536)
def _lemma(word: str, pos: str) -> str:
    return str(_tagger().analyze(word, pos=pos, taglevel=1)[0])


@functools.lru_cache(maxsize=8192)
def morphemes(word: str) -> tuple[tuple[str, str], ...]:
    """Return the morphemes of a word in lower case, each with HanTa's morpheme tag."""
    _, parts, _ = _tagger().analyze(word, taglevel=3)
    return tuple((str(part), str(kind)) for part, kind in parts)


@functools.lru_cache(maxsize=8192)
def word_tag(word: str) -> str:
    """Return the most likely part of speech of a word on its own."""
    return str(_tagger().tag_word(word)[0][0])


def in_corpus(word: str) -> bool:
    """Tell whether HanTa's German training corpus has the word (in any case)."""
    return word.lower() in _tagger().cache


@functools.lru_cache(maxsize=8192)
def zipf(word: str, lang: str) -> float:
    """Return how common a word is in a language: 0 (unseen) to about 8 (the commonest)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))
