"""What a rule gets and what it gives back: a sentence and options in, hits out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.easy.text import Sentence, Token

Options = Mapping[str, Any]


@dataclass(frozen=True)
class Hit:
    """One place where a rule is violated: an offset in the line, what, and what to do."""

    start: int
    message: str
    suggestion: str


Check = Callable[[Sentence, Options], Iterable[Hit]]


def finite(token: Token) -> bool:
    """Tell whether a token is a finite verb or an imperative."""
    return token.tag.endswith(("(FIN)", "(IMP)"))


def attributive(tokens: list[Token] | tuple[Token, ...], index: int) -> bool:
    """Tell whether a word read as a verb in -te is an adjective before its noun.

    "Es zeigt eine mit klaren Zielen strukturierte Arbeit auf": with a finite verb before
    it in the clause and a noun right after it, "strukturierte" describes the noun.
    """
    token = tokens[index]
    if not token.lower.endswith(("te", "ten", "tes", "ter", "tem")):
        return False
    if token.lower.endswith(("tes", "ter", "tem")):
        return True
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    earlier = tokens[:index]
    clause_start = max((i for i, t in enumerate(earlier) if t.text in {",", ";", ":"}), default=-1)
    return (
        following is not None
        and following.tag == "NN"
        and any(finite(t) for t in earlier[clause_start + 1 :])
    )


def verb(token: Token) -> bool:
    """Tell whether a token is any verb form."""
    return token.tag[:2] in {"VV", "VA", "VM"}


CLAUSE_MARKS = {",", ";", ":", "–", "—"}


def clause_words(tokens: tuple[Token, ...], index: int) -> list[Token]:
    """Return the words from `index` to the end of their clause (a comma, colon, dash)."""
    words = []
    for token in tokens[index:]:
        if token.text in CLAUSE_MARKS:
            break
        if token.is_word:
            words.append(token)
    return words


def quoted(text: str) -> str:
    """Quote a piece of the text for a message."""
    return f'"{text}"'
