"""Russian as the note writes it: numbers in the note's style ("787,3 тыс.", "140 521", "57,4%")
and dates ("1 января 2025 г.") by Babel's Russian locale (CLDR: a no-break space between digit
groups, a decimal comma, the months' genitive), and what Babel does not do by pymorphy3: words
that agree with numbers ("1 человек", "2 человека", "5 человек") and names in every case."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_decimal

NBSP = "\u00a0"  # inside a number and between a number and "тыс.": a line never breaks there
LOCALE = "ru"

# pymorphy3's plural genitive of "человек" is "людей"; after a numeral Russian counts "человек"
_COUNT_FORMS = {"людей": "человек"}


@lru_cache(maxsize=1)
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def rounded(value: float, decimals: int) -> Decimal:
    """Half up, as people round (Python's round() and Babel's default go to even)."""
    d = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return d if d else abs(d)  # -0,4 rounds to 0, not to "-0"


def _grouped(d: Decimal) -> str:
    """A rounded number in Babel's Russian pattern, every decimal it has (a no-break space between
    digit groups, a decimal comma)."""
    places = -d.as_tuple().exponent if d.as_tuple().exponent < 0 else 0
    return format_decimal(d, format="#,##0" + ("." + "0" * places if places else ""), locale=LOCALE)


def count(value: float) -> str:
    """140521 → '140 521' (a no-break space the line never breaks at)."""
    return _grouped(rounded(value, 0))


def thousands(value: float) -> str:
    """787263 → '787,3 тыс.' (one decimal, as the bureau's releases state stocks and flows)."""
    return _grouped(rounded(value / 1000, 1)) + NBSP + "тыс."


def thousands_value(value: float) -> float:
    """What '787,3 тыс.' says, in base units: 787300."""
    return float(rounded(value / 1000, 1) * 1000)


def decimal(value: float, decimals: int = 1) -> str:
    """57.194 → '57,2'."""
    return _grouped(rounded(value, decimals))


def number(value: float, decimals: int = 3) -> str:
    """A value as the marts hold it: 140521 → '140 521', 1.401 → '1,401', 1.4 → '1,4' (up to
    `decimals`, no trailing zeros)."""
    return format_decimal(rounded(value, decimals), format="#,##0." + "#" * decimals, locale=LOCALE)


def agree(word: str, number: float) -> str:
    """The form of `word` that follows `number`: 1 человек, 2 человека, 5 человек, 1,4 раза."""
    parsed = morph().parse(word)[0]
    if float(number) != int(number):  # a fraction governs the genitive singular: 1,4 раза
        form = parsed.inflect({"gent", "sing"})
    else:
        form = parsed.make_agree_with_number(abs(int(number)))
    text = form.word if form else word
    return _COUNT_FORMS.get(text, text)


def verb_agree(plural: str, singular: str, number: float) -> str:
    """Subject-verb agreement with a numeral: 'уехал 21 казахстанец', 'уехали 140 520 казахстанцев'."""
    n = abs(int(number))
    return singular if n % 10 == 1 and n % 100 != 11 else plural


# Kazakh letters: a Kazakh name ("область Жетісу") is written as it is, in every case
_KAZAKH = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# Head nouns of a region's name; the name in apposition after "область" or "республика" keeps its
# nominative ("области Жетісу", "Республики Казахстан"), after "город" it declines ("города Астаны")
_HEADS = {"область", "город", "республика"}
_APPOSITION_KEPT = {"область", "республика"}
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


@lru_cache(maxsize=1)
def _seed_forms() -> dict[tuple[str, str], str]:
    """The seeds' own forms (sql/seeds/ref_region_forms.csv) where the dictionary's guess fails."""
    import csv

    from pipelines.settings import SEEDS_DIR

    path = SEEDS_DIR / "ref_region_forms.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {(r["name_ru"], r["grammatical_case"]): r["form"] for r in csv.DictReader(f)}


def inflect_name(name: str, case: str) -> str:
    """A proper name in another case, word by word, each word agreeing with the name's head noun and
    keeping its capitals: 'Костанайская область' → 'Костанайской области', 'город Шымкент' →
    'города Шымкента', 'Южная Корея' → 'Южную Корею'. pymorphy3 guesses words its dictionary lacks
    ('Костанайская', 'Атырауская'); the seeds' forms stand where that guess fails; Kazakh words
    ('Жетісу') and abbreviations ('ОАЭ') stay as written."""
    if case == "nomn":
        return name
    seeded = _seed_forms().get((name, case))
    if seeded:
        return seeded
    words = name.split(" ")
    gender = _head_gender(words)
    out, after = [], None
    for word in words:
        out.append(_inflect_word(word, case, gender, after))
        after = _head(word) or after
    return " ".join(out)


def _parses(word: str):
    return morph().parse(word.lower())


def _head(word: str) -> str | None:
    return next((p.normal_form for p in _parses(word) if p.tag.POS == "NOUN" and p.normal_form in _HEADS), None)


def _head_gender(words: list[str]) -> str | None:
    for word in [w for w in words if _head(w)] or words[-1:]:
        for p in _parses(word.rpartition("-")[2]):
            if p.tag.POS == "NOUN" and "nomn" in p.tag:
                return p.tag.gender
    return None


def _inflect_word(word: str, case: str, gender: str | None, after: str | None) -> str:
    head, _, last = word.rpartition("-")  # Западно-Казахстанская: the last part declines
    if word.isupper() or _KAZAKH & set(word):
        return word
    parses = [p for p in _parses(last) if "nomn" in p.tag]
    adjectives = [p for p in parses if p.tag.POS == "ADJF"]
    nouns = [p for p in parses if p.tag.POS == "NOUN"]
    # a guessed word ("Атырауская": a gerund first) is an adjective when it can be one
    if adjectives and (not nouns or not nouns[0].is_known or adjectives[0].score > nouns[0].score):
        parsed = next((a for a in adjectives if a.tag.gender == gender), adjectives[0])
    elif nouns:
        if after in _APPOSITION_KEPT:
            return word
        parsed = (
            next((n for n in nouns if n.normal_form in _HEADS), None)
            or next((n for n in nouns if "Geox" in n.tag), None)
            or next((n for n in nouns if "inan" in n.tag), nouns[0])
        )
        if "Fixd" in parsed.tag:
            return word
        if case == "accs" and parsed.tag.gender == "masc" and parsed.tag.number == "sing":
            return word  # a place is inanimate: its masculine accusative is its nominative ("в Кыргызстан")
    else:
        return word
    form = parsed.inflect({case})
    if form is None:
        return word
    return (head + "-" if head else "") + _same_case(last, form.word)


def _same_case(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def typography(text: str) -> str:
    """Russian typographic rules over a finished text: a dash between spaces is an em dash held to
    the word before it; a year range takes an en dash; "г." stands apart from its year and with
    it; a one-letter word holds to the next; no comma after the introductory "При этом"."""
    text = re.sub(r"[ \u00a0]+[-–—][ \u00a0]+", NBSP + "— ", text)
    text = re.sub(r"(?<=\b\d{4})-(?=\d{4}\b)", "–", text)
    text = re.sub(r"(?<=\d)[ \u00a0]?г\.", NBSP + "г.", text)
    text = re.sub(r"(?<=\d) (?=(?:год|года|году|годы|годов|годах|тыс\.|млн|человек|раза?)\b)", NBSP, text)
    text = re.sub(r"(?<![^\s(])([вВкКсСуУоОиИаА]) ", r"\1" + NBSP, text)
    return re.sub(r"\b(При этом|Кроме того|Вместе с тем),", r"\1", text)


def months(period: str) -> str | None:
    """'2025-01/2025-03' → 'январе–марте 2025 г.'; '2025-02' → 'феврале 2025 г.'; None for another form.
    Babel names the month; the prepositional case ("в январе"), which CLDR does not hold, is pymorphy3's."""
    parts = period.split("/")
    try:
        ys, ms = zip(*((int(p[:4]), int(p[5:7])) for p in parts)) if all(len(p) == 7 for p in parts) else ((), ())
    except ValueError:
        return None
    if not ys or len(set(ys)) != 1 or not all(1 <= m <= 12 for m in ms):
        return None
    span = _month_loct(ms[0]) + ("" if len(ms) == 1 or ms[0] == ms[-1] else "–" + _month_loct(ms[-1]))
    return f"{span} {ys[0]}{NBSP}г."


@lru_cache(maxsize=12)
def _month_loct(month: int) -> str:
    name = format_date(date(2000, month, 1), "LLLL", locale=LOCALE)  # stand-alone: январь
    form = morph().parse(name)[0].inflect({"loct"})
    return form.word if form else name


def day_month(day) -> str:
    """date(2025, 1, 1) → '1 января 2025 г.' (Babel's day, genitive month and year)."""
    return f"{format_date(day, 'd MMMM y', locale=LOCALE)}{NBSP}г."


def short_date(day) -> str:
    """date(2026, 8, 11) → '11.08.2026' (Babel's short Russian date), as a citation dates a release."""
    return format_date(day, "short", locale=LOCALE)
