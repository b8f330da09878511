"""Rules about numbers: large ones, decimals, percentages, words, Roman numerals, dates."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.easy.messages import _
from pipeline.easy.rules.base import Hit, Options, quoted
from pipeline.easy.text import Sentence, Token

MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
).split()
_GROUP = "[.\u00a0\u202f\u2009 ]"
_NUMBER = re.compile(
    rf"(?<![\w.,:/-])(?:\d{{1,3}}(?:{_GROUP}\d{{3}})+|\d+)(?:,\d+)?(?![\w]|[.,:/-]\d)"
)
_DATE = re.compile(
    r"(?<![\w.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})?(?!\w|[.,]\d)"
    r"|(?<![\w.])(?P<iso>\d{4})-(?P<isomonth>\d{2})-(?P<isoday>\d{2})(?!\w)"
    r"|(?<![\w/])(?P<sday>\d{1,2})/(?P<smonth>\d{1,2})/(?P<syear>\d{4}|\d{2})(?![\w/])"
)
_NOT_A_DATE = re.compile(
    r"(?:Kapitel|Abschnitt|Absatz|Nummer|Nr\.|Punkt|Version|Teil|§|Paragraf)\s*$"
)
_YEAR_BEFORE = re.compile(rf"(?:Jahre?s?|{'|'.join(MONTHS)}|\d\.)\s*$")


def large_number(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A number of `minimum` or more, or with a decimal comma; not a year, not in a date."""
    text = sentence.line[: sentence.end]
    dates = [m.span() for m in _DATE.finditer(text, sentence.start)]
    for match in _NUMBER.finditer(text, sentence.start):
        if any(start <= match.start() < end for start, end in dates):
            continue
        number = match.group()
        digits = re.sub(r"\D", "", number.split(",")[0])
        decimal = "," in number
        if number.startswith("0") and not decimal and len(digits) > 1:
            continue  # a telephone number or a postcode
        if not decimal and (int(digits) < options["minimum"] or _year(sentence, match)):
            continue
        if not decimal and len(digits) == 5 and _postcode(sentence, match):
            continue  # "63128 Dietzenbach", "die Postleitzahl ist 63128"
        if not decimal and _phone_or_house_number(sentence, match):
            continue  # "Rufen Sie uns an: 06074 12345", "Europaplatz 1000"
        yield Hit(
            match.start(),
            _("decimal number {number}", number=quoted(number))
            if decimal
            else _("large number {number}", number=quoted(number)),
            _('round it, or say "viele" or "wenige"')
            if not decimal
            else _('round it: "ungefähr 3" instead of "2,8"'),
        )


def _year(sentence: Sentence, match: re.Match[str]) -> bool:
    number = match.group()
    if not re.fullmatch(r"1\d{3}|20\d{2}|21\d{2}", number):
        return False
    if _YEAR_BEFORE.search(sentence.line[sentence.start : match.start()]):
        return True
    following = _token_after(sentence, match.end())
    return following is None or following.tag != "NN" or following.text in MONTHS


def _token_after(sentence: Sentence, offset: int) -> Token | None:
    return next((t for t in sentence.words if t.start > offset), None)


def _postcode(sentence: Sentence, match: re.Match[str]) -> bool:
    following = _token_after(sentence, match.end())
    before = sentence.line[sentence.start : match.start()]
    named = re.search(r"\b(?:Postleitzahl|PLZ)\b", before) is not None
    return named or following is not None and following.tag == "NE"


# An area code, a country code or a word that says a phone number follows, then only the
# number's digit groups.
_PHONE_BEFORE = re.compile(
    r"(?:\b0\d{2,5}|\+\d{1,3}|\b(?:Telefon|Tel\.|Fax|Handy|Mobil|Telefonnummer|"
    r"Durchwahl|WhatsApp|anrufen)\b:?|\ban:)[\d\s/-]*$",
    re.IGNORECASE,
)
_STREET_BEFORE = re.compile(
    r"(?:straße|str\.|weg|platz|allee|gasse|ring|damm|ufer|markt|hof)\s+$", re.IGNORECASE
)


def _phone_or_house_number(sentence: Sentence, match: re.Match[str]) -> bool:
    """A phone number (after an area code or the word Telefon) or a house number."""
    before = sentence.line[sentence.start : match.start()]
    return bool(_PHONE_BEFORE.search(before) or _STREET_BEFORE.search(before))


def percentage(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A percentage, with % or the word Prozent."""
    text = sentence.line[: sentence.end]
    for match in re.finditer(r"%|\b[Pp]rozent(?:e|en|s|ig\w*|satz\w*|punkt\w*)?\b", text):
        if match.start() < sentence.start:
            continue
        yield Hit(
            match.start(),
            _("percentage {number}", number=quoted(match.group())),
            _('say "die Hälfte", "viele" or "3 von 10 Menschen"'),
        )


_UNITS = ["", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
_TEENS = ["zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn"]
_TEENS += ["achtzehn", "neunzehn"]
_TENS = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig"]
_TENS += ["neunzig"]


def number_value(word: str) -> int | None:
    """Return the value of a German cardinal number word, None for other words."""
    word = word.lower()
    if word in {"null", "eins"}:
        return 0 if word == "null" else 1
    value = 0
    if "tausend" in word:
        before, _, word = word.partition("tausend")
        thousands = _below_thousand(before) if before else 1
        if thousands is None:
            return None
        value = thousands * 1000
        if not word:
            return value
    rest = _below_thousand(word)
    return None if rest is None or rest == 0 else value + rest


def _below_thousand(word: str) -> int | None:
    value = 0
    if "hundert" in word:
        before, _, word = word.partition("hundert")
        hundreds = _UNITS.index(before) if before in _UNITS[1:] else 1 if not before else None
        if hundreds is None:
            return None
        value = hundreds * 100
        if not word:
            return value
    if word == "eins":
        return value + 1
    if word in _UNITS[2:]:
        return value + _UNITS.index(word)
    if word in _TEENS:
        return value + 10 + _TEENS.index(word)
    unit, _, tens = word.rpartition("und") if "und" in word else ("", "", word)
    if tens in _TENS[2:] and (not unit or unit in _UNITS[1:]):
        return value + 10 * _TENS.index(tens) + (_UNITS.index(unit) if unit else 0)
    return None


def number_word(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A cardinal number written as a word: drei, zwölf, zwanzig; not the article ein."""
    words = sentence.words
    for index, token in enumerate(words):
        value = number_value(token.text) if token.text.isalpha() else None
        if value is None:
            continue
        if index and token.text[0].isupper():
            continue  # a noun: "Acht geben", "die Elf", "eine Zwei in Mathe"
        yield Hit(
            token.start,
            _("number written as a word {word}", word=quoted(token.text)),
            _("write the digit: {digit}", digit=quoted(str(value))),
        )


_ROMAN = re.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_CONTEXT = set(
    """teil band kapitel buch artikel abschnitt sgb akt stufe klasse phase papst könig
    kaiser karl ludwig heinrich friedrich wilhelm elisabeth benedikt johannes paul leo
    pius""".split()
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_numeral(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A Roman numeral: II, IV, XII, "SGB V"."""
    words = sentence.words
    for index, token in enumerate(words):
        numeral = token.text
        if not numeral or not _ROMAN.match(numeral):
            continue
        context = index > 0 and words[index - 1].lower in _ROMAN_CONTEXT
        if (len(numeral) >= 2 and set(numeral) <= set("IVX")) or context:
            yield Hit(
                token.start,
                _("Roman numeral {numeral}", numeral=quoted(numeral)),
                _(
                    "write the number in digits: {digits}",
                    digits=quoted(str(_roman_value(numeral))),
                ),
            )


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if v < w else v for v, w in zip(values, values[1:] + [0], strict=True))


def numeric_date(sentence: Sentence, options: Options) -> Iterator[Hit]:
    """A date in digits only: 01.09.2025, 3.10., 2025-09-01."""
    text = sentence.line[: sentence.end]
    for match in _DATE.finditer(text, sentence.start):
        day = int(match.group("day") or match.group("isoday") or match.group("sday"))
        month = int(match.group("month") or match.group("isomonth") or match.group("smonth"))
        year = match.group("year") or match.group("iso") or match.group("syear") or ""
        if not (1 <= day <= 31 and 1 <= month <= 12) or _NOT_A_DATE.search(
            text[sentence.start : match.start()]
        ):
            continue
        if match.group("day") and not year and _token_after_is(sentence, match.end(), "Uhr"):
            continue
        year = f"20{year}" if len(year) == 2 else year
        written = f"{day}. {MONTHS[month - 1]}{' ' + year if year else ''}"
        yield Hit(
            match.start(),
            _("date in digits {date}", date=quoted(match.group())),
            _("write {word}", word=quoted(written)),
        )


def _token_after_is(sentence: Sentence, offset: int, word: str) -> bool:
    following = _token_after(sentence, offset)
    return following is not None and following.text == word
