"""Find glossary terms in any inflected form, and check texts against the termbase.

Matching (docs/terminology.md):
- Text is split into words after segment markup (pipeline/segments.py) is removed. A word
  is lower-cased by its language's rules (Turkish I → ı, İ → i) and given keys: the
  Snowball stem (snowballstemmer) of the word and of its lemma from simplemma's word lists.
  A text word is a term word when they share a key. Ukrainian has no Snowball stemmer: its
  keys are the word and its lemma, and a word also matches a term word of 5 or more
  letters that it extends by an ending of 1 to 3 letters (Дітценбаха, Дітценбах).
- German keys are lemmas only (greedy simplemma, which also lemmatizes unknown compounds
  by their last part), because Snowball's German stem joins Ausländer, ausländisch and
  Ausland; Ausländerin(nen) counts as Ausländer. Snowball stems only words it cannot place.
- A term of several words matches those words in that order, each in any inflected form.
- A one-word German term also matches as the last part of a compound (Zielgruppe in
  Jugendzielgruppen: a kind of Zielgruppe), never as the first part (Integration is not
  found in Integrationspolitik).
- Where terms overlap, the longest wins, so Integrationskonzept is not also Integration.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import simplemma
import snowballstemmer
from babel.messages.catalog import Message

from pipeline import comments
from pipeline.config import Publication
from pipeline.errors import read_utf8
from pipeline.glossary import Concept, Termbase

# Snowball algorithms (snowballstemmer 3.x) by language subtag; there is none for Ukrainian.
_SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "nb": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "tr": "turkish",
}
_COMPOUNDING = {"de"}  # languages that write compounds as one word
_HEAD_MIN, _MODIFIER_MIN = 4, 3  # a compound's head term and the rest: at least this long
_ENDING_STEM, _ENDING = 5, 3  # without a stemmer: a term word of 5+ letters, an ending of 1-3
# Inside a word: the Mediopunkt of Leichte Sprache (Integrations·konzept), combining marks,
# Arabic harakat and tatweel, soft hyphen, zero-width joiners.
_INWORD = "\u00b7\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u00ad\u200c\u200d"
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_INWORD}])*")
_IGNORED = re.compile("[\u00b7\u00ad\u200c\u200d\u0640\u064b-\u065f\u0670]")
_TAG = re.compile(r"<[^>]*>")
# What a Markdown source shows no reader: link targets, HTML, attributes, link definitions.
_HIDDEN = re.compile(
    r"\]\([^)]*\)|<!--.*?-->|<[^>\n]*>|\{[^}\n]*\}|^ {0,3}\[[^\]\n]+\]:.*$", re.S | re.M
)
TERM_COMMENT = comments.TERM  # a translator comment with one open finding of the post-check


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is, and its keys (see Analyzer.keys)."""

    start: int
    end: int
    keys: frozenset[str]


@dataclass(frozen=True)
class Match:
    """One occurrence of a concept's term in a text."""

    concept: Concept
    term: str
    start: int
    end: int


class Analyzer:
    """Split one language's text into words and reduce each word to its keys."""

    def __init__(self, lang: str):
        self.lang = lang.split("-")[0].lower()
        name = _SNOWBALL.get(self.lang)
        self.stemmer = snowballstemmer.stemmer(name) if name else None
        self.cache: dict[str, frozenset[str]] = {}

    def lower(self, word: str) -> str:
        """Lower-case a word by the language's rules."""
        if self.lang in ("tr", "az"):
            word = word.replace("I", "ı").replace("İ", "i")
        return word.lower()

    def keys(self, word: str) -> frozenset[str]:
        """Return a word's keys: the stems of the word and of its lemma (German: the lemma)."""
        if word not in self.cache:
            clean = _IGNORED.sub("", unicodedata.normalize("NFC", word))
            if self.lang == "de":
                forms = {_german_key(clean, self.stemmer)}
            else:
                # Both: the word list sometimes gives a verb's lemma for one form of a noun
                # (działanie → działać, but działania → działanie).
                folded = self.lower(clean)
                forms = {folded, self.lower(_lemma(folded, self.lang))}
                if self.stemmer:
                    forms = {self.stemmer.stemWord(form) for form in forms}
            self.cache[word] = frozenset(form.casefold() for form in forms)
        return self.cache[word]

    def tokens(self, text: str) -> list[Token]:
        """Return the words of a plain text with their keys."""
        return [Token(m.start(), m.end(), self.keys(m.group())) for m in _WORD.finditer(text)]


def _lemma(word: str, lang: str, greedy: bool = False) -> str:
    try:
        # The low-memory word lists give the same lemmas: Polish alone takes 420 MB otherwise.
        return simplemma.lemmatize(word, lang=lang, greedy=greedy, low_memory=True)
    except ValueError:  # simplemma has no word list for this language
        return word


def _german_key(word: str, stemmer: Any) -> str:
    # The lemma: Snowball's German stem would make Ausländer, ausländisch and Ausland one
    # word. Greedy lemmatizing also finds the head of compounds the word list lacks.
    if word.isupper():
        word = word.capitalize()  # AUSLÄNDER: the word list knows Ausländer
    lemma = _lemma(word, "de", greedy=True)
    if stemmer and lemma == word and not simplemma.is_known(word, "de", low_memory=True):
        lemma = _with_umlauts(word.lower(), stemmer.stemWord(word.lower()))
    return re.sub(r"(?<=er)in(nen)?$", "", lemma.lower())  # Ausländerin is Ausländer


def _with_umlauts(lemma: str, stem: str) -> str:
    # Snowball's German stemmer writes ä, ö, ü as a, o, u, so Ausländer would be Ausland:
    # where the stem is the start of the lemma, take that start from the lemma itself.
    spelled, origin = "", []
    for index, letter in enumerate(lemma):
        plain = {"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}.get(letter, letter)
        spelled += plain
        origin += [index] * len(plain)
    if not stem or not spelled.startswith(stem):
        return stem
    return lemma[: origin[len(stem) - 1] + 1]


@cache
def analyzer(lang: str) -> Analyzer:
    """Return the (shared, caching) analyzer of a language."""
    return Analyzer(lang)


def known_words(lang: str) -> dict[str, list[str]]:
    """Return the keys the analyzer of a language has worked out, to keep for the next run."""
    return {word: sorted(keys) for word, keys in analyzer(lang).cache.items()}


def remember_words(lang: str, known: dict[str, list[str]]) -> None:
    """Give the analyzer of a language the keys of an earlier run.

    Loading a language's word list takes a second or two; with every word known, a build
    that changed nothing never loads it.
    """
    analyzer(lang).cache.update({word: frozenset(keys) for word, keys in known.items()})


class TermIndex:
    """The terms of one language, ready to be found in texts."""

    def __init__(self, lang: str, entries: Iterable[tuple[Concept, str]]):
        self.analyzer = analyzer(lang)
        self.compounds = self.analyzer.lang in _COMPOUNDING
        self.endings = self.analyzer.stemmer is None  # no stemmer: allow unknown endings
        self.entries = [
            (concept, term, [t.keys for t in self.analyzer.tokens(term)])
            for concept, term in entries
        ]
        # The terms by the keys of their first word: a text position is scored only against
        # the terms that could start there.
        self.starts: dict[str, list[int]] = defaultdict(list)
        for number, (_, _, words) in enumerate(self.entries):
            for key in words[0] if words else ():
                self.starts[key].append(number)

    def find(self, text: str) -> list[Match]:
        """Return every term in a plain text, longest first where terms overlap."""
        if not self.entries:
            return []  # and the language's word list is never loaded
        tokens = self.analyzer.tokens(text)
        matches, index = [], 0
        while index < len(tokens):
            scored = [
                (score, concept, term, len(words))
                for concept, term, words in self._candidates(tokens[index])
                if words and (score := self._fit(tokens[index : index + len(words)], words))
            ]
            if not scored:
                index += 1
                continue
            _, concept, term, length = max(scored, key=lambda entry: entry[0])
            matches.append(
                Match(concept, term, tokens[index].start, tokens[index + length - 1].end)
            )
            index += length
        return matches

    def _candidates(self, token: Token) -> list[tuple[Concept, str, list[frozenset[str]]]]:
        # In the terms' order, so that the longest match is the same as if all were scored.
        if self.endings:
            return self.entries  # a term's word may be the start of any word
        numbers = {n for key in token.keys for n in self.starts.get(key, ())}
        if self.compounds:  # a term may be a compound's head: the end of a word's key
            numbers |= {
                n
                for key in token.keys
                for cut in range(_MODIFIER_MIN, len(key) - _HEAD_MIN + 1)
                for n in self.starts.get(key[cut:], ())
            }
        return [self.entries[n] for n in sorted(numbers)]

    def _fit(self, tokens: list[Token], words: list[frozenset[str]]) -> tuple[int, ...]:
        # Longer terms beat shorter ones, a whole word beats a compound's last part.
        if len(tokens) < len(words):
            return ()
        if all(self._same(token.keys, keys) for token, keys in zip(tokens, words, strict=True)):
            return (len(words), 1, _size(words))
        if self.compounds and len(words) == 1 and _is_head(words[0], tokens[0].keys):
            return (1, 0, _size(words))
        return ()

    def _same(self, word: frozenset[str], term: frozenset[str]) -> bool:
        if word & term:
            return True
        # Without a stemmer (Ukrainian), an ending the word list does not know: Дітценбаха.
        return self.endings and any(_ending(w, t) for w in word for t in term)


def _size(words: list[frozenset[str]]) -> int:
    return sum(len(min(keys, key=len)) for keys in words)


def _is_head(term: frozenset[str], word: frozenset[str]) -> bool:
    return any(
        len(t) >= _HEAD_MIN and len(w) - len(t) >= _MODIFIER_MIN and w.endswith(t)
        for t in term
        for w in word
    )


def _ending(word: str, term: str) -> bool:
    return (
        len(term) >= _ENDING_STEM and 0 < len(word) - len(term) <= _ENDING and word.startswith(term)
    )


def plain(markup: str) -> str:
    """Return the text of a segment without its markup."""
    text = _TAG.sub(lambda m: " " if m.group().startswith("<br") else "", markup)
    return html.unescape(text)


def source_index(termbase: Termbase) -> TermIndex:
    """Return an index of every concept's source-language term."""
    lang = termbase.source_language
    return TermIndex(lang, [(c, c.terms[lang]) for c in termbase.concepts if lang in c.terms])


@dataclass(frozen=True)
class SourceFinding:
    """A forbidden term in a source file."""

    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def check_sources(publication: Publication, termbase: Termbase) -> list[SourceFinding]:
    """Find every forbidden source-language term, in any inflection, in the source files."""
    index = source_index(termbase)
    findings = []
    for path in publication.sources:
        text = read_utf8(path)
        visible = _HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
        for match in index.find(visible):
            if match.concept.status != "forbidden":
                continue
            line = text.count("\n", 0, match.start) + 1
            column = match.start - (text.rfind("\n", 0, match.start) + 1) + 1
            findings.append(SourceFinding(path, line, column, _forbidden(match, termbase, "")))
    return findings


def _forbidden(match: Match, termbase: Termbase, lang: str) -> str:
    preferred = termbase.get(match.concept.use)
    use = preferred.term(lang or termbase.source_language) if preferred else None
    kind = "forbidden term" if not lang else "forbidden"
    return f"{kind} '{match.term}': use '{use}'" if use else f"{kind} '{match.term}'"


@dataclass(frozen=True)
class TermFinding:
    """A translated segment that does not follow the termbase."""

    concept: str  # the concept's id
    message: str  # e.g. "missing 'entegrasyon konsepti' for 'Integrationskonzept'"

    @property
    def comment(self) -> str:
        """Return the translator comment that shows the finding in the catalog."""
        return f"{TERM_COMMENT}{self.message}"


class SegmentChecker:
    """Check translations into one language against the termbase."""

    def __init__(self, termbase: Termbase, lang: str):
        self.termbase, self.lang = termbase, lang
        self.source = source_index(termbase)
        self.target = TermIndex(
            lang,
            [
                (c, term)
                for c in termbase.concepts
                if c.status != "do-not-translate" and (term := c.terms.get(lang))
            ],
        )

    def check(self, source: str, target: str) -> list[TermFinding]:
        """Return the findings for one segment: its German and its translation, in markup."""
        text = plain(target)
        used = self.target.find(text)
        found = {m.concept.id for m in used}
        verbatim = " ".join(text.split())
        findings = []
        for concept in _distinct(m.concept for m in self.source.find(plain(source))):
            term = concept.term(self.lang)
            if not term:
                continue
            if concept.status == "do-not-translate" and term not in verbatim:
                findings.append(TermFinding(concept.id, f"missing '{term}' (do not translate)"))
            elif concept.status == "preferred" and concept.id not in found:
                german = concept.terms[self.termbase.source_language]
                findings.append(TermFinding(concept.id, f"missing '{term}' for '{german}'"))
        for match in {m.concept.id: m for m in used if m.concept.status == "forbidden"}.values():
            findings.append(
                TermFinding(match.concept.id, _forbidden(match, self.termbase, self.lang))
            )
        return findings


def _distinct(concepts: Iterable[Concept]) -> list[Concept]:
    return list({c.id: c for c in concepts}.values())


def set_term_comments(message: Message, findings: list[TermFinding]) -> bool:
    """Replace a catalog entry's term comments with the current findings; tell if it changed."""
    current = [f.comment for f in findings]
    if [c for c in message.user_comments if c.startswith(TERM_COMMENT)] == current:
        return False  # where they are: an approval added after them does not move them
    kept = [c for c in message.user_comments if not c.startswith(TERM_COMMENT)]
    message.user_comments = kept + current
    return True
