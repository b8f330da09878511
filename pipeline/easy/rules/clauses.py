"""Rules about how a sentence is built: its length, subordinate clauses, joined statements."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from pipeline.easy.messages import _
from pipeline.easy.rules.base import (
    Hit,
    Options,
    attributive,
    clause_words,
    finite,
    quoted,
    verb,
)
from pipeline.easy.text import Sentence, Token

# Subordinating conjunctions that always start a subordinate clause.
SUBORDINATORS = {
    # The suggestions are msgids, translated where they are shown: _(SUBORDINATORS[word]).
    "dass": 'write a colon instead: "Das ist wichtig: Wir helfen Ihnen."',
    "weil": 'write two sentences; the second can start with "Deshalb" or "Der Grund ist:"',
    "wenn": 'write two sentences: "Haben Sie Fragen? Dann rufen Sie an."',
    "falls": 'write two sentences: "Haben Sie Fragen? Dann rufen Sie an."',
    "obwohl": 'write two sentences; start the second with "Aber" or "Trotzdem"',
    "ob": 'ask the question directly: "Kommen Sie? Das möchten wir wissen."',
    "wobei": "write two sentences",
    "nachdem": 'write two sentences in the order of events; start the second with "Dann"',
    "bevor": 'write two sentences in the order of events; start the second with "Dann"',
}
# Conjunctions that start a subordinate clause only when the tagger says so (KOUS) and
# the clause ends with its verb: "damit" and "während" are also adverb and preposition.
OTHER_SUBORDINATORS = set(
    "damit sodass sobald solange indem seitdem seit sofern soweit während als da obgleich ehe "
    "bis".split()
)
RELATIVE_TAGS = {"PRELS", "PRELAT"}
D_WORDS = {"der", "die", "das", "dem", "den", "deren", "dessen", "denen"}
QUESTION_TAGS = {"PWAV", "PWS", "PWAT"}
JOINERS = {"und", "oder", "aber", "denn", "sondern"}


def sentence_length(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A sentence of more than `max_words` words."""
    count = sum(1 for chunk in sentence.text.split() if any(c.isalnum() for c in chunk))
    limit = options["max_words"]
    if count > limit:
        yield Hit(
            sentence.start,
            _("sentence of {count} words (at most {limit})", count=count, limit=limit),
            _("split it into sentences of at most {limit} words", limit=limit),
        )


def subordinate_clause(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A finite subordinate clause, a relative clause or an infinitive clause with zu."""
    tokens = sentence.tokens
    for index, token in enumerate(tokens):
        if token.lower in SUBORDINATORS and not _direct_question(sentence, index):
            yield Hit(
                token.start,
                _("subordinate clause with {word}", word=quoted(token.text)),
                _(SUBORDINATORS[token.lower]),
            )
        elif token.lower in OTHER_SUBORDINATORS and token.tag == "KOUS":
            if _verb_final(tokens, index):
                yield Hit(
                    token.start,
                    _("subordinate clause with {word}", word=quoted(token.text)),
                    _("write two main clauses"),
                )
        elif _after_comma(tokens, index) and _verb_final(tokens, index):
            if token.tag in RELATIVE_TAGS or _relative_article(tokens, index):
                yield Hit(
                    token.start,
                    _("relative clause with {word}", word=quoted(token.text)),
                    _('say it in a sentence of its own: "Das ist Frau Kaya. Sie hilft Ihnen."'),
                )
            elif token.tag in QUESTION_TAGS:
                yield Hit(
                    token.start,
                    _("indirect question with {word}", word=quoted(token.text)),
                    _('ask the question directly, or use a colon: "Sie erfahren: Wo ist das Amt?"'),
                )
    for piece in _pieces(sentence, {",", ";", ":"}):
        if piece.infinitive_clause():
            yield Hit(
                piece.tokens[0].start,
                _("infinitive clause with zu"),
                _('write a main clause: "Wir wollen helfen."'),
            )


def _relative_article(tokens: tuple[Token, ...], index: int) -> bool:
    """ ", der Ziele und Maßnahmen darüber enthält": a pronoun the tagger read as article.

    A clause that starts with der/die/das after a comma and ends with its verb is a
    relative clause, unless it is as short as a main clause ("…, die Kinder lernen").
    """
    token = tokens[index]
    return token.tag == "ART" and token.lower in D_WORDS and len(clause_words(tokens, index)) >= 4


def _direct_question(sentence: Sentence, index: int) -> bool:
    # "Wobei hilft die Stadt?" asks; it is no clause.
    words = sentence.words
    return bool(words) and words[0] is sentence.tokens[index] and sentence.text.endswith("?")


def _after_comma(tokens: tuple[Token, ...], index: int) -> bool:
    before = tokens[max(0, index - 2) : index]
    if before and before[-1].text == ",":
        return True
    # ", mit dem …", ", in der …": a preposition may stand before the pronoun.
    return len(before) == 2 and before[0].text == "," and before[1].tag in {"APPR", "APPRART"}


def _verb_final(tokens: tuple[Token, ...], index: int) -> bool:
    words = clause_words(tokens, index)
    return len(words) >= 2 and verb(words[-1])


@dataclass
class _Piece:
    """Tokens between two joiners, with the joiner before them."""

    joiner: Token | None
    tokens: list[Token]

    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.is_word]

    def subordinate(self, clause_starts: set[int]) -> bool:
        words = self.words()
        if not words:
            return False
        first = words[0]
        if first.lower in SUBORDINATORS or first.tag in {"KOUS", "KOUI"}:
            return True
        if first.tag in {"APPR", "APPRART"} and len(words) > 1:
            first = words[1]
        return first.start in clause_starts

    def infinitive_clause(self) -> bool:
        words = self.words()
        if not words or any(finite(t) for t in words):
            return False
        bordered = self.joiner is not None and self.joiner.text == ","
        return bordered and (
            words[-1].tag == "VV(IZU)"
            or len(words) >= 2
            and words[-2].tag == "PTKZU"
            and words[-1].tag.endswith("(INF)")
        )


def _pieces(
    sentence: Sentence, marks: Collection[str], joiners: Collection[str] = ()
) -> list[_Piece]:
    pieces = [_Piece(None, [])]
    for token in sentence.tokens:
        if token.text in marks or token.lower in joiners and token.tag == "KON":
            pieces.append(_Piece(token, []))
        else:
            pieces[-1].tokens.append(token)
    # "Um zu helfen, kommen wir": the comma after a piece sets it off too.
    for before, after in zip(pieces, pieces[1:], strict=False):
        if before.joiner is None and after.joiner is not None and after.joiner.text == ",":
            before.joiner = after.joiner
    return [piece for piece in pieces if piece.tokens]


def coordination(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """Two statements joined by und, oder, aber, denn, sondern, a comma or a semicolon."""
    clause_starts = {hit.start for hit in subordinate_clause(sentence, options)}
    tokens = sentence.tokens
    mains = 0
    previous: _Piece | None = None
    previous_kind = ""
    for piece in _pieces(sentence, {",", ";"}, JOINERS):
        kind = "sub" if piece.subordinate(clause_starts) else ""
        if piece.joiner is not None and piece.joiner.lower in {"und", "oder"}:
            kind = kind or ("sub" if previous_kind == "sub" else "")
        if not kind and _has_predicate(piece, previous, tokens):
            kind = "main"
            mains += 1
            if mains == 2 and piece.joiner is not None:
                yield Hit(
                    piece.joiner.start,
                    _(
                        "two statements in one sentence, joined by {word}",
                        word=quoted(piece.joiner.text),
                    ),
                    _("write one statement per sentence"),
                )
        previous, previous_kind = piece, kind or previous_kind


def _awaits_infinitive(piece: _Piece) -> bool:
    words = piece.words()
    modal = any(t.tag == "VM(FIN)" or t.tag == "VA(FIN)" and t.lemma == "werden" for t in words)
    return modal and not any(t.tag.endswith(("(INF)", "(PP)")) for t in words)


def _has_predicate(piece: _Piece, previous: _Piece | None, tokens: tuple[Token, ...]) -> bool:
    index = {id(token): number for number, token in enumerate(tokens)}
    words = piece.words()
    verbs = [t for t in words if finite(t) and not attributive(tokens, index[id(t)])]
    if verbs and previous is not None and _awaits_infinitive(previous):
        # "Sie können heute oder morgen kommen": "kommen" completes "können".
        subject = any(t.tag in {"PPER", "PIS", "PDS", "NN", "NE"} for t in words)
        if not subject and all(t.lower.endswith("en") for t in verbs):
            return False
    if verbs:
        return True
    # "Wir kommen und helfen": the tagger reads "helfen" as an infinitive; after a full
    # verb in the present tense without an infinitive of its own, it is a second predicate.
    if previous is None or not any(t.tag == "VV(INF)" for t in words):
        return False
    before = previous.words()
    return any(t.tag == "VV(FIN)" for t in before) and not any(
        t.tag.endswith(("(INF)", "(PP)")) for t in before
    )
