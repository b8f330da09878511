"""Rules about verbs: passive, subjunctive, tense, and the impersonal "man"."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.easy.messages import _
from pipeline.easy.rules.base import Hit, Options, attributive, finite, quoted
from pipeline.easy.text import Sentence, Token

PRESENT_WERDEN = {"werde", "wirst", "wird", "werden", "werdet"}
WERDEN = PRESENT_WERDEN | {"wurde", "wurdest", "wurden", "wurdet", "worden"}
WERDEN |= {"würde", "würdest", "würden", "würdet"}
DETERMINERS = {"ART", "PPOSAT", "PDAT", "PIAT"}

# Konjunktiv II forms that are never indicative, with the indicative to write instead.
SUBJUNCTIVE_II = {
    "wäre": "ist", "wären": "sind", "wärst": "bist", "wärest": "bist", "wärt": "seid",
    "hätte": "hat", "hätten": "haben", "hättest": "hast", "hättet": "habt",
    "würde": "wird", "würden": "werden", "würdest": "wirst", "würdet": "werdet",
    "könnte": "kann", "könnten": "können", "könntest": "kannst", "könntet": "könnt",
    "müsste": "muss", "müssten": "müssen", "müsstest": "musst", "müsstet": "müsst",
    "dürfte": "darf", "dürften": "dürfen", "dürftest": "darfst",
    "bräuchte": "braucht", "bräuchten": "brauchen", "gäbe": "gibt", "gäben": "geben",
    "käme": "kommt", "kämen": "kommen", "ginge": "geht", "wüsste": "weiß",
    "wüssten": "wissen", "ließe": "lässt", "bliebe": "bleibt", "läge": "liegt",
    "stünde": "steht", "stände": "steht", "fände": "findet", "täte": "tut",
}  # fmt: skip
# Konjunktiv I forms that are never indicative.
SUBJUNCTIVE_I = {
    "sei": "ist", "seist": "bist", "seiest": "bist", "seien": "sind", "seiet": "seid",
    "könne": "kann", "müsse": "muss", "solle": "soll", "wolle": "will", "dürfe": "darf",
    "möge": "mag",
}  # fmt: skip
# "sollte" is also the indicative past: "Er sollte gestern kommen."
PAST_WORDS = set(
    "gestern vorgestern damals früher vorher zuvor einst letzte letzten letztes letzter "
    "vergangene vergangenen vergangenes war waren hatte hatten".split()
)
THIRD_PERSON = {"er", "sie", "es", "man"}
NOT_FULL_VERBS = {"sein", "haben", "werden", "können", "müssen", "sollen", "wollen", "dürfen"}
NOT_FULL_VERBS |= {"mögen", "möchten"}
# Präteritum of strong and mixed verbs (first and third person singular).
STRONG_PAST = set(
    """aß bat band barg biss blieb blies bog bot brach brachte brannte briet dachte drang
    empfahl erschrak fand fiel fing flog floh floss fraß fror fuhr gab galt gelang genoss
    geschah gewann ging glich glitt goss griff grub half hielt hieß hing hob kam kannte
    klang kroch lag las litt lief lieh ließ log lud mied nahm nannte pfiff rang rannte rieb
    rief riet ritt roch sah sandte sang sank saß schied schien schlief schlug schloss
    schmolz schnitt schob schoss schrie schrieb schritt schwamm schwieg schwor schwand sog
    sprach sprang stach stahl stand starb stieg stieß strich stritt tat traf trank trat
    trieb trug verdarb vergaß verlor wandte warb warf wich wies wuchs wusch wusste zog
    zwang""".split()
)
PREFIXES = sorted(
    """be ver ent er zer ge miss emp über unter wider hinter voll durch um an auf aus ab bei
    ein mit nach vor zu zurück weg her hin fest statt teil zusammen dar los fort heraus
    herein hinaus hinein vorbei weiter wieder""".split(),
    key=len,
    reverse=True,
)


def passive(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A form of werden with a past participle: "wird gebaut", "muss gestellt werden"."""
    for clause in sentence.clauses():
        auxiliaries = [t for t in clause if t.lower in WERDEN and t.tag.startswith("VA")]
        if not auxiliaries or any(
            t.lower in {"sein", "haben"} and t.tag == "VA(INF)" for t in clause
        ):
            continue  # no werden, or "wird gegangen sein" (future perfect)
        participles = [t for t in clause if _participle(t, clause, auxiliaries[0])]
        if participles:
            yield Hit(
                auxiliaries[0].start,
                _(
                    "passive {words}",
                    words=quoted(auxiliaries[0].text + " … " + participles[0].text),
                ),
                _('say who does it, in the active voice: "Die Stadt baut das Haus."'),
            )


def _participle(token: Token, clause: list[Token], auxiliary: Token) -> bool:
    if token.tag != "VV(PP)":
        return False
    if token.lower != token.lemma.lower() or auxiliary.lower not in PRESENT_WERDEN:
        return True
    # "erhalten", "bekommen": participle and infinitive look the same. "Sie werden das
    # Geld erhalten" has an object after werden, so it is the future, not the passive.
    between = clause[clause.index(auxiliary) + 1 : clause.index(token)]
    has_agent = any(t.lower in {"von", "vom"} for t in clause)
    return has_agent or not any(t.tag in DETERMINERS for t in between)


def subjunctive(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """Konjunktiv I or II: wäre, hätte, würde, könnte, sei; not möchte, not indicative."""
    words = sentence.words
    for index, token in enumerate(words):
        word = token.lower
        indicative: str | None = SUBJUNCTIVE_II.get(word) or SUBJUNCTIVE_I.get(word)
        if word in {"sei", "seien"} and _imperative(sentence, words, index):
            continue
        if word in {"sollte", "sollten", "solltest"} and not _past_context(words):
            indicative = "soll" if word == "sollte" else "sollen"
        elif indicative is None and _third_person_subjunctive(words, index):
            indicative = ""
        if indicative is not None:
            instead = f": {quoted(indicative)}" if indicative else ""  # a word of German
            yield Hit(
                token.start,
                _("subjunctive {word}", word=quoted(token.text)),
                _("say it directly, in the indicative{instead}", instead=instead),
            )


def _imperative(sentence: Sentence, words: list[Token], index: int) -> bool:
    # "Seien Sie vorsichtig." "Sei leise!"
    first = index == 0 or words[index - 1].tag in {"KON"}
    following = words[index + 1].lower if index + 1 < len(words) else ""
    return first and (following == "sie" or sentence.text.rstrip().endswith("!"))


def _past_context(words: list[Token]) -> bool:
    return any(t.lower in PAST_WORDS for t in words)


def _third_person_subjunctive(words: list[Token], index: int) -> bool:
    """ "er habe", "die Stadt gebe": a first-person form with a third-person subject."""
    token = words[index]
    if not finite(token) or token.tag.startswith("VM") or not token.lower.endswith("e"):
        return False
    if token.lower != _stem(token.lemma) + "e":
        return False
    before = words[index - 1] if index else None
    after = words[index + 1].lower if index + 1 < len(words) else ""
    if after in {"ich", "du", "wir", "ihr"}:
        return False
    return after in THIRD_PERSON or (
        before is not None and (before.lower in THIRD_PERSON or before.tag in {"NN", "NE"})
    )


def _stem(lemma: str) -> str:
    lemma = lemma.lower()
    return lemma[:-2] if lemma.endswith("en") else lemma[:-1] if lemma.endswith("n") else lemma


def tense(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """The Präteritum of a full verb, or Futur I with werden and an infinitive."""
    tokens = sentence.tokens
    for index, token in enumerate(tokens):
        if token.tag == "VV(FIN)" and token.lemma.lower() not in NOT_FULL_VERBS:
            if _preterite(token) and not attributive(tokens, index):
                yield Hit(
                    token.start,
                    _("Präteritum {word}", word=quoted(token.text)),
                    _(
                        'use the perfect tense: "hat" or "ist" with the participle of {word}',
                        word=quoted(token.lemma),
                    ),
                )
    for clause in sentence.clauses():
        auxiliary = next(
            (t for t in clause if t.lower in PRESENT_WERDEN and t.tag == "VA(FIN)"), None
        )
        if auxiliary is None:
            continue
        infinitive = next(
            (t for t in clause if t.tag.endswith("(INF)") and t.lower != "werden"), None
        )
        if infinitive is None:
            infinitive = next(
                (t for t in clause if t.tag == "VV(PP)" and not _participle(t, clause, auxiliary)),
                None,
            )
        genuine_participle = any(_participle(t, clause, auxiliary) for t in clause)
        if infinitive is not None and not genuine_participle:
            yield Hit(
                auxiliary.start,
                _("future tense {words}", words=quoted(auxiliary.text + " … " + infinitive.text)),
                _('use the present tense with a time word: "Morgen helfen wir."'),
            )


def _preterite(token: Token) -> bool:
    word = token.lower
    stem = _stem(token.lemma)
    weak = ("te", "test", "ten", "tet")
    if stem and (
        word in {stem + ending for ending in weak} or word in {stem + "e" + e for e in weak}
    ):
        return True
    return _strong_past(word, depth=2)


def _strong_past(word: str, depth: int) -> bool:
    for ending in ("", "st", "est", "en", "n", "t", "et"):
        if ending and not word.endswith(ending):
            continue
        base = word[: len(word) - len(ending)] if ending else word
        if base in STRONG_PAST and (ending != "n" or base.endswith("e")):
            return True
    if depth:
        for prefix in PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                if _strong_past(word[len(prefix) :], depth - 1):
                    return True
    return False


def impersonal(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """The impersonal pronoun "man" instead of addressing the reader."""
    for token in sentence.words:
        if token.lower == "man":
            yield Hit(
                token.start,
                _('impersonal "man"'),
                _('address the reader ("Sie können …") or say who: "Wir …"'),
            )
