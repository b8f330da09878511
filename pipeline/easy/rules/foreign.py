"""LS-FOREIGN: English words that not every reader knows.

Two sources. A list of anglicisms of public and social services with a German word for
each; and, for words not on it, a test: the word is common in English, at least as common
in English as in German, absent from HanTa's German corpus, and spelt the English way
(sh, ee, oo, ea, -ing, -ity, -ness, -ship, a final y). Loanwords every reader knows
(Internet, Team, Handy) are never reported, nor terms explained in the glossary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.easy import language
from pipeline.easy.messages import _
from pipeline.easy.rules.base import Hit, Options, quoted
from pipeline.easy.text import Sentence

ANGLICISMS = {
    "workshop": "Kurs", "community": "Gemeinschaft", "empowerment": "Stärkung",
    "meeting": "Treffen", "feedback": "Rückmeldung", "coaching": "Beratung",
    "coach": "Berater", "support": "Hilfe", "event": "Veranstaltung", "flyer": "Info-Blatt",
    "newsletter": "Info-Brief", "download": "herunterladen", "upload": "hochladen",
    "update": "neue Version", "deadline": "letzter Tag", "know-how": "Wissen",
    "monitoring": "Beobachtung", "care": "Pflege", "tool": "Werkzeug", "skills": "Fähigkeiten",
    "location": "Ort", "hotline": "Telefon-Nummer", "gender": "Geschlecht",
    "diversity": "Vielfalt", "mainstreaming": "", "streetwork": "Sozial·arbeit auf der Straße",
    "mentoring": "Begleitung", "mentor": "Begleiter", "networking": "Kontakte knüpfen",
    "stakeholder": "Beteiligte", "fairness": "Gerechtigkeit", "highlight": "Höhepunkt",
    "startup": "neue Firma", "onboarding": "Einarbeitung", "management": "Leitung",
    "statement": "Aussage", "commitment": "Zusage", "benchmark": "Vergleich",
    "controlling": "Kontrolle", "recruiting": "Suche nach Personal", "tutorial": "Anleitung",
    "webinar": "Online-Kurs", "kick-off": "Start", "follow-up": "nächstes Treffen",
    "get-together": "Treffen", "fundraising": "Spenden sammeln", "crowdfunding": "",
    "peer": "Gleichaltrige", "peergroup": "Gleichaltrige", "outreach": "",
    "case-management": "Fall·begleitung", "public": "öffentlich", "inclusion": "Inklusion",
    "sharing": "Teilen", "slot": "Termin", "briefing": "Besprechung", "call": "Anruf",
    "safe": "sicher", "space": "Raum", "awareness": "Aufmerksamkeit", "leadership": "Leitung",
    "teamwork": "Zusammen·arbeit", "homeschooling": "Unterricht zu Hause",
    "service-point": "Info-Stelle", "brainstorming": "Ideen sammeln",
    "counseling": "Beratung", "empowern": "stärken",
}  # fmt: skip
# Loanwords that every reader knows.
WELL_KNOWN = set(
    """internet e-mail email mail team computer handy job baby hobby party fan club film sport
    stress test smartphone laptop tablet online offline app apps chat ticket training trainer
    show shop jeans t-shirt toast pizza hotel taxi bus okay ok cool fitness camping
    manager homepage website baby babysitter sandwich fastfood computer-spiel video handy
    youtube facebook whatsapp instagram google tiktok jobcenter wlan song star sorry hallo
    shampoo toilette container""".split()
)
_ENGLISH_SPELLING = re.compile(
    r"(?<!c)sh|ee|oo|ea|oa|[aeo]w(?![aeiouäöü])|(?<![aeiouy])y$|ight|[^aeiou]ing$|ity$|ness$"
    r"|ship$"
)


def foreign_word(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """An anglicism that is not generally known and not explained in the glossary."""
    known = options["known"] | {w.lower() for w in options["allow"]}
    for token in sentence.words:
        if "@" in token.text or "://" in token.text or token.lower.startswith("www."):
            continue
        whole = token.lower.replace("·", "-")
        parts = [(whole, 0)] if whole in ANGLICISMS else _parts(token.text)
        for part, offset in parts:
            forms = {part, part[:-1] if part.endswith("s") and len(part) > 4 else part}
            if forms & (known | WELL_KNOWN):
                continue
            listed = next((ANGLICISMS[f] for f in forms if f in ANGLICISMS), None)
            if listed is not None or any(_looks_english(form) for form in forms):
                word = token.text[offset : offset + len(part)]
                yield Hit(
                    token.start + offset,
                    _("English word {word}", word=quoted(word)),
                    _("write {word}, or explain the word in the glossary", word=quoted(listed))
                    if listed
                    else _("write a German word, or explain the word in the glossary"),
                )


def _parts(text: str) -> list[tuple[str, int]]:
    return [(m.group().lower(), m.start()) for m in re.finditer(r"[^-·/]+", text)]


def _looks_english(word: str) -> bool:
    if len(word) < 4 or not word.isalpha() or not _ENGLISH_SPELLING.search(word):
        return False
    if language.in_corpus(word):
        return False
    english = language.zipf(word, "en")
    return english >= 3.0 and english >= language.zipf(word, "de")
