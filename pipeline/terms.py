"""Find glossary terms in any inflected form, and check texts against the termbase.

Matching (docs/terminology.md):
- Text is split into words after segment markup (pipeline/segments.py) is removed. A word
  is lower-cased by its language's rules (Turkish I → ı, İ → i), reduced to its dictionary
  form by simplemma's lemma lists, then to its stem by the Snowball algorithm of that
  language (snowballstemmer). Ukrainian has no Snowball algorithm: there the lemma alone
  is the key. Two words are the same term word when their keys are equal.
- A term of several words matches those words in that order, each in any inflected form.
- German writes compounds as one word. A one-word German term also matches as the last
  part of a compound (Zielgruppe in Jugendzielgruppen: a kind of Zielgruppe), never as the
  first part (Integration is not found in Integrationspolitik).
- Where terms overlap, the longest wins, so Integrationskonzept is not also Integration.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import simplemma
import snowballstemmer
from babel.messages.catalog import Message

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
# Inside a word: combining marks, Arabic harakat and tatweel, soft hyphen, zero-width joiners.
_INWORD = "\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u00ad\u200c\u200d"
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_INWORD}])*")
_IGNORED = re.compile("[\u00ad\u200c\u200d\u0640\u064b-\u065f\u0670]")
_TAG = re.compile(r"<[^>]*>")
# What a Markdown source shows no reader: link targets, HTML, attributes, link definitions.
_HIDDEN = re.compile(
    r"\]\([^)]*\)|<!--.*?-->|<[^>\n]*>|\{[^}\n]*\}|^ {0,3}\[[^\]\n]+\]:.*$", re.S | re.M
)
TERM_COMMENT = "term: "  # a translator comment with one open finding of the post-check


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is, and its key (lemma, then stem)."""

    start: int
    end: int
    key: str


@dataclass(frozen=True)
class Match:
    """One occurrence of a concept's term in a text."""

    concept: Concept
    term: str
    start: int
    end: int


class Analyzer:
    """Split one language's text into words and reduce each word to its key."""

    def __init__(self, lang: str):
        self.lang = lang.split("-")[0].lower()
        name = _SNOWBALL.get(self.lang)
        self.stemmer = snowballstemmer.stemmer(name) if name else None
        self.keys: dict[str, str] = {}

    def lower(self, word: str) -> str:
        """Lower-case a word by the language's rules."""
        if self.lang in ("tr", "az"):
            word = word.replace("I", "ı").replace("İ", "i")
        return word.lower()

    def key(self, word: str) -> str:
        """Return the key of a word: the stem of its lemma (German: its lemma)."""
        if word not in self.keys:
            word_nfc = _IGNORED.sub("", unicodedata.normalize("NFC", word))
            if self.lang == "de":
                key = _german_key(word_nfc, self.stemmer)
            else:
                lemma = self.lower(_lemma(self.lower(word_nfc), self.lang))
                key = self.stemmer.stemWord(lemma) if self.stemmer else lemma
            self.keys[word] = key.casefold()
        return self.keys[word]

    def tokens(self, text: str) -> list[Token]:
        """Return the words of a plain text with their keys."""
        return [Token(m.start(), m.end(), self.key(m.group())) for m in _WORD.finditer(text)]


def _lemma(word: str, lang: str, greedy: bool = False) -> str:
    try:
        return simplemma.lemmatize(word, lang=lang, greedy=greedy)
    except ValueError:  # simplemma has no word list for this language
        return word


def _german_key(word: str, stemmer: Any) -> str:
    # The lemma: Snowball's German stem would make Ausländer, ausländisch and Ausland one
    # word. Greedy lemmatizing also finds the head of compounds the word list lacks.
    lemma = _lemma(word, "de", greedy=True)
    if stemmer and lemma == word and not simplemma.is_known(word, "de"):
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


class TermIndex:
    """The terms of one language, ready to be found in texts."""

    def __init__(self, lang: str, entries: Iterable[tuple[Concept, str]]):
        self.analyzer = analyzer(lang)
        self.compounds = self.analyzer.lang in _COMPOUNDING
        self.entries = [
            (concept, term, tuple(t.key for t in self.analyzer.tokens(term)))
            for concept, term in entries
        ]

    def find(self, text: str) -> list[Match]:
        """Return every term in a plain text, longest first where terms overlap."""
        tokens = self.analyzer.tokens(text)
        matches, index = [], 0
        while index < len(tokens):
            scored = [
                (score, concept, term, len(keys))
                for concept, term, keys in self.entries
                if keys and (score := self._fit(tokens, index, keys))
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

    def _fit(self, tokens: list[Token], index: int, keys: tuple[str, ...]) -> tuple[int, ...]:
        # Longer terms beat shorter ones, a whole word beats a compound's last part.
        words = [t.key for t in tokens[index : index + len(keys)]]
        if tuple(words) == keys:
            return (len(keys), 1, sum(map(len, keys)))
        if self.compounds and len(keys) == 1 and words and _is_head(keys[0], words[0]):
            return (1, 0, len(keys[0]))
        return ()


def _is_head(key: str, word: str) -> bool:
    return len(key) >= _HEAD_MIN and len(word) - len(key) >= _MODIFIER_MIN and word.endswith(key)


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
    kept = [c for c in message.user_comments if not c.startswith(TERM_COMMENT)]
    comments = kept + [f.comment for f in findings]
    changed = comments != message.user_comments
    message.user_comments = comments
    return changed
