"""Rules about compound words: long ones to split, and splits in the wrong place or glyph."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.easy import language
from pipeline.easy.messages import _
from pipeline.easy.rules.base import Hit, Options, quoted
from pipeline.easy.text import MEDIOPUNKT, WRONG_DOTS, Sentence

_PREFIX_TAGS = ("PREF", "PTKVZ")
_SEPARATORS = re.compile(f"[{MEDIOPUNKT}{WRONG_DOTS}]")
_FUGEN = ("ns", "es", "en", "er", "s", "n", "e")
_GENDER_ENDINGS = {"in", "innen"}
_PREFIXES = {"ver", "zer", "ent", "emp", "miss", "be", "ge", "er", "un", "ur"}  # no words


def segments(word: str) -> list[str] | None:
    """Split a compound at its joints, each part with its Fuge: Integrations, konzept.

    None when the word is no compound, or when HanTa's analysis cannot be mapped back
    onto the letters of the word.
    """
    morphemes = language.morphemes(word)
    if "".join(part for part, _kind in morphemes) != word.lower():
        return None
    parts: list[tuple[str, bool]] = []  # (letters, has a root)
    for part, kind in morphemes:
        root = kind in language.ROOT_TAGS
        if parts and parts[-1][1] and (root or kind.startswith(_PREFIX_TAGS)):
            parts.append((part, root))
        elif parts:
            parts[-1] = (parts[-1][0] + part, parts[-1][1] or root)
        else:
            parts.append((part, root))
    merged: list[str] = []
    for part, _root in parts:
        if merged and len(part) < 4:
            merged[-1] += part  # "Haupt·bahnhof", not "Haupt·bahn·hof"
        else:
            merged.append(part)
    if len(merged) < 2 or sum(root for _, root in parts) < 2:
        return None
    lengths = [len(part) for part in merged]
    return [word[sum(lengths[:i]) : sum(lengths[: i + 1])] for i in range(len(merged))]


def compound(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A compound of `min_letters` letters or more without a Mediopunkt or hyphen."""
    separator = options["separator"]
    for token in sentence.words:
        word = token.text
        if (
            not word.isalpha()
            or len(word) < options["min_letters"]
            or word.isupper()
            or token.tag not in {"NN", "NNA", "NNI", "ADJ(A)", "ADJ(D)"}
            or token.lower in options["known"]
        ):
            continue
        parts = segments(word)
        if parts:
            if separator == "-" and word[0].isupper():
                parts = [parts[0]] + [p.capitalize() for p in parts[1:]]
            yield Hit(
                token.start,
                _("long compound {word}", word=quoted(word)),
                _("write {word}", word=quoted(separator.join(parts))),
            )


def mediopunkt(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A wrong glyph instead of the Mediopunkt, or a Mediopunkt off the word joint."""
    for token in sentence.words:
        word = token.text
        glyphs = [m for m in _SEPARATORS.finditer(word) if 0 < m.start() < len(word) - 1]
        if not glyphs:
            continue
        wrong = [m for m in glyphs if m.group() != MEDIOPUNKT]
        parts = _SEPARATORS.split(word)
        if parts[-1].lower() in _GENDER_ENDINGS:
            yield Hit(
                token.start + glyphs[-1].start(),
                _("the Mediopunkt in {word} marks gender, not a word joint", word=quoted(word)),
                _('write both forms: "Lehrerinnen und Lehrer"'),
            )
        elif (better := _better_split(parts)) is not None:
            yield Hit(
                token.start,
                _("the Mediopunkt in {word} is not at the word joint", word=quoted(word)),
                _("write {word}", word=quoted(better))
                if better
                else _("split the word where its parts join"),
            )
        elif wrong:
            glyph = wrong[0].group()
            yield Hit(
                token.start + wrong[0].start(),
                _(
                    "{glyph} ({code}) instead of the Mediopunkt (U+00B7)",
                    glyph=quoted(glyph),
                    code=f"U+{ord(glyph):04X}",
                ),
                _("write {word}", word=quoted(MEDIOPUNKT.join(parts))),
            )


def _better_split(parts: list[str]) -> str | None:
    """Return None when every split is at a joint; else a better spelling, or ""."""
    word = "".join(parts)
    joints = segments(word) or []
    boundaries = {sum(len(p) for p in joints[: i + 1]) for i in range(len(joints))}
    position = 0
    for left, right in zip(parts, parts[1:], strict=False):
        position += len(left)
        words = _is_word(_without_fuge(left)), _is_word(right)
        # Without an analysis of the compound, only parts that are both no words are
        # surely split wrongly ("Ver·waltung"); "Maß·nahme" may stay.
        wrong = not all(words) if joints else not any(words)
        if position not in boundaries and wrong:
            return MEDIOPUNKT.join(joints) if len(joints) >= 2 else ""
    return None


def _without_fuge(part: str) -> str:
    for fuge in _FUGEN:
        if part.endswith(fuge) and _is_word(part[: -len(fuge)]):
            return part[: -len(fuge)]
    return part


def _is_word(part: str) -> bool:
    word = part.lower()
    if len(word) < 3 or word in _PREFIXES:
        return False
    return language.in_corpus(word) or language.zipf(word, "de") >= 3.0
