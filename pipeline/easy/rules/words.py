"""Rules about single words: genitive, negation, abbreviations, cross-references."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.easy import language
from pipeline.easy.messages import _
from pipeline.easy.rules.base import Hit, Options, clause_words, quoted, verb
from pipeline.easy.text import Sentence, Token

GENITIVE_PREPOSITIONS = set(
    """wegen trotz während statt anstatt aufgrund innerhalb außerhalb mithilfe anhand
    bezüglich angesichts infolge mittels seitens zugunsten zwecks hinsichtlich oberhalb
    unterhalb anlässlich""".split()
)
GENITIVE_DETERMINERS = set(
    """des der eines einer keines keiner meines meiner deines deiner seines seiner ihres
    ihrer unseres unserer eures eurer dieses dieser jenes jener jedes jeder""".split()
)
# Determiners that are genitive when the noun after them ends in -s: "eines Kindes".
S_DETERMINERS = {d for d in GENITIVE_DETERMINERS if d.endswith("es")} - {"des"}
# Verbs with a dative object: "Dann hilft die Stadt der Familie" has no genitive.
DATIVE_VERBS = set(
    """geben helfen danken zeigen sagen erklären gehören schreiben schenken antworten bringen
    schicken senden folgen gefallen passen glauben vertrauen begegnen empfehlen anbieten
    bieten wünschen erzählen gratulieren fehlen raten leihen zahlen bezahlen mitteilen
    vorstellen überlassen verkaufen""".split()
)
NAMES_IN_S = set("klaus hans thomas andreas markus lukas nikolaus paris jonas matthias".split())
NEGATIONS = set(
    """nicht nichts nie niemals niemand niemanden niemandem niemands nirgends nirgendwo
    nirgendwohin weder kein keine keinen keinem keiner keines keinerlei keinesfalls
    keineswegs""".split()
)


def genitive(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A genitive: "des Konzepts", "die Ziele der Stadt", "wegen des Wetters", "Annas"."""
    tokens = sentence.tokens
    dative_verb = False
    skip = -1
    for index, token in enumerate(tokens):
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        dative_verb = dative_verb or token.lemma.lower() in DATIVE_VERBS and token.tag[:2] == "VV"
        if index == skip:
            continue
        if (
            token.lower in GENITIVE_PREPOSITIONS
            and after is not None
            and after.lower in GENITIVE_DETERMINERS
            and _preposition(tokens, index)
        ):
            skip = index + 1
            yield _genitive_hit(token, f"{token.text} {after.text}")
        elif token.lower == "des" or _s_genitive(tokens, index) or _saxon(tokens, index):
            yield _genitive_hit(token, token.text)
        elif token.lower in {"der", "aller"} and not dative_verb and _noun_der_noun(tokens, index):
            yield _genitive_hit(token, f"{tokens[index - 1].text} der")


def _preposition(tokens: tuple[Token, ...], index: int) -> bool:
    if tokens[index].tag in {"APPR", "APPO"}:
        return True
    # "Während der Ferien ist …" is a preposition, "Während der Kurs läuft, …" a clause:
    # a clause ends with its verb.
    words = clause_words(tokens, index + 1)
    return not (words and verb(words[-1]))


def _genitive_hit(token: Token, text: str) -> Hit:
    return Hit(
        token.start,
        f"genitive {quoted(text)}",
        'use "von" with the dative: "die Ziele von der Stadt", "wegen dem Wetter"',
    )


def _s_genitive(tokens: tuple[Token, ...], index: int) -> bool:
    if tokens[index].lower not in S_DETERMINERS or index + 1 >= len(tokens):
        return False
    noun = tokens[index + 1]
    return noun.tag == "NN" and noun.text.endswith("s") and noun.lemma != noun.text


def _saxon(tokens: tuple[Token, ...], index: int) -> bool:
    """ "Annas Buch", "Deutschlands Städte", "die Zukunft Dietzenbachs"."""
    token = tokens[index]
    if token.tag != "NE" or token.lower in NAMES_IN_S or token.text != token.lemma + "s":
        return False
    before = tokens[index - 1].tag if index else ""
    after = tokens[index + 1].tag if index + 1 < len(tokens) else ""
    return "NN" in {before, after}


def _noun_der_noun(tokens: tuple[Token, ...], index: int) -> bool:
    """ "die Ziele der Stadt": a noun, der, maybe adjectives, a noun."""
    if index == 0:
        return False
    before = tokens[index - 1]
    if before.tag == "CARD" and index >= 2:
        before = tokens[index - 2]  # "Seite 3 der Broschüre"
    if before.tag != "NN":
        return False
    for token in tokens[index + 1 :]:
        if token.tag in {"ADJ(A)", "ADV", "CARD", "PIAT"}:
            continue
        return token.tag == "NN"
    return False


def negation(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A negation word: nicht, kein…, nichts, nie, niemand, nirgends, weder … noch."""
    for token in sentence.words:
        if token.lower in NEGATIONS:
            yield Hit(
                token.start,
                _("negation {word}", word=quoted(token.text)),
                _('say it positively; if you need the negation, write it in bold: "**nicht**"'),
            )


ABBREVIATIONS = {
    "z. b.": "zum Beispiel", "u. a.": "zum Beispiel", "d. h.": "das heißt",
    "s. o.": "", "s. u.": "", "u. ä.": "", "o. ä.": "", "i. d. r.": "meistens",
    "z. t.": "zum Teil", "v. a.": "vor allem", "u. u.": "vielleicht", "u. v. m.": "und mehr",
    "o. g.": "", "i. a.": "", "ca.": "ungefähr", "bzw.": "oder", "usw.": "und mehr",
    "etc.": "und mehr", "vgl.": "", "ggf.": "vielleicht", "evtl.": "vielleicht",
    "inkl.": "mit", "zzgl.": "und dazu", "bspw.": "zum Beispiel", "sog.": "",
    "nr.": "Nummer", "str.": "Straße", "tel.": "Telefon", "dr.": "Doktor",
    "prof.": "Professor", "bzgl.": "über", "hr.": "Herr", "fr.": "Frau", "st.": "Sankt",
    "max.": "höchstens", "min.": "mindestens", "mio.": "Millionen", "mrd.": "Milliarden",
    "abs.": "Absatz", "art.": "Artikel", "s.": "Seite", "abb.": "Bild", "kap.": "Kapitel",
    "jan.": "Januar", "feb.": "Februar", "apr.": "April", "aug.": "August",
    "sept.": "September", "okt.": "Oktober", "nov.": "November", "dez.": "Dezember",
    "std.": "Stunde", "tsd.": "tausend", "geb.": "geboren", "ehem.": "früher",
    "insb.": "besonders", "allg.": "allgemein", "ff.": "",
}  # fmt: skip
_MULTI = re.compile(
    r"(?<![\w.])[A-Za-zÄÖÜäöü]\.[ \u00a0\u202f]?(?:[A-Za-zÄÖÜäöü]\.[ \u00a0\u202f]?)+"
)
_SINGLE = re.compile(
    r"(?<![\w.])(?:[Cc]a|[Bb]zw|[Uu]sw|[Vv]gl|[Ee]tc|[Gg]gf|[Ee]vtl|[Ii]nkl|[Zz]zgl|[Bb]spw|"
    r"[Ss]og|[Nn]r|[Ss]tr|[Tt]el|Dr|Prof|[Bb]zgl|Hr|Fr|St|[Mm]ax|[Mm]in|Mio|Mrd|Std|Tsd|[Gg]eb|"
    r"[Ee]hem|[Ii]nsb|[Aa]llg|ff|Abb|Kap"
    r"|(?:Abs|Art|S)(?=\.\s?\d)"
    r"|(?<=\d\.\s)(?:Jan|Feb|Apr|Aug|Sept|Okt|Nov|Dez))\.(?!\w)"
)
_CAPITALS = re.compile(r"^[A-ZÄÖÜ][A-ZÄÖÜ0-9]{1,5}s?$")
_ROMAN = re.compile(r"^(?=[IVX]{2,}$)X{0,3}(?:IX|IV|V?I{0,3})$")


def abbreviation(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A dotted abbreviation (z. B., ca., bzw.) or a short form in capitals (BAMF, SGB)."""
    text, start = sentence.line[: sentence.end], sentence.start
    for match in [*_MULTI.finditer(text, start), *_SINGLE.finditer(text, start)]:
        found = match.group().strip()
        key = re.sub(r"\.\s*", ". ", found.lower()).strip()
        if found[0].isupper() and key not in ABBREVIATIONS:
            continue  # "J. R. Tolkien": initials of a name
        expansion = ABBREVIATIONS.get(key, "")
        yield Hit(
            match.start(),
            _("abbreviation {word}", word=quoted(found)),
            _("write {word}", word=quoted(expansion))
            if expansion
            else _("write the words out in full"),
        )
    shouting = sum(1 for t in sentence.words if t.text.isupper()) > len(sentence.words) / 2
    known = options["known"] | {w.lower() for w in options["allow"]}
    for token in sentence.words:
        for part, offset in _parts(token):
            if (
                _CAPITALS.match(part)
                and not _ROMAN.match(part)
                and part.lower() not in known
                and not shouting
                and not _shouted_word(part)
            ):
                yield Hit(
                    token.start + offset,
                    _("abbreviation {word}", word=quoted(part)),
                    _("write it out in full, or explain it where it first appears"),
                )


def _parts(token: Token) -> Iterator[tuple[str, int]]:
    for match in re.finditer(r"[^-/·]+", token.text):
        yield match.group(), match.start()


def _shouted_word(part: str) -> bool:
    # "HILFE" is a word in capitals, "BAMF" a short form.
    word = part.lower()
    return len(word) >= 4 and language.in_corpus(word) and language.zipf(word, "de") >= 3.5


_CROSSREF = re.compile(
    r"\b[Ss]iehe\b|(?<![\w.])s\.\s?[ou]\.|(?<![\w.])[Vv]gl\."
    r"|\b(?:Kapitel|Kap\.|Abschnitt|Seiten?|S\.|Anlage|Anhang|Abbildung|Abb\.|Tabelle|Absatz|"
    r"Fußnote|Ziffer|Teil)[ \u00a0]?(?:\d+|[IVX]+)\b(?![ \u00a0]?Uhr)"
    r"|\b(?:[Ww]ie|[Ww]eiter|[Ss]iehe)\s+(?:schon\s+|bereits\s+)?(?:oben|unten)\b"
    r"|\b(?:oben|unten)\s+(?:genannt|beschrieben|erklärt|erwähnt|aufgeführt|stehend|gesagt)\w*"
    r"|\b(?:[Ii]m|in dem)\s+(?:nächsten|vorigen|vorherigen|letzten|folgenden|ersten|"
    r"zweiten|dritten|vierten)\s+(?:Kapitel|Abschnitt|Teil)\b"
    r"|\bauf der (?:nächsten|vorigen|vorherigen|letzten|folgenden) Seite\b|\b[Ii]m Anhang\b"
)


def cross_reference(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A reference to another place: siehe, vgl., s. o., Kapitel 3, Seite 12, Anlage 2."""
    text = sentence.line[: sentence.end]
    covered = -1
    for match in _CROSSREF.finditer(text, sentence.start):
        title = match.start() == sentence.start and re.match(r"\s*(?::|$)", text[match.end() :])
        if match.start() < covered or title:
            continue  # "Kapitel 3: Arbeit" is a heading, not a reference
        covered = match.end()
        yield Hit(
            match.start(),
            _("reference to another place: {words}", words=quoted(match.group())),
            _("repeat the information here instead of sending the reader elsewhere"),
        )
