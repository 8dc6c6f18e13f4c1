"""Russian as the note writes it: numbers in the note's style ("787,3 тыс.", "140 521", "57,4%")
and words that agree with them ("1 человек", "2 человека", "5 человек"; pymorphy3 inflects)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

NBSP = "\u00a0"  # inside a number and between a number and "тыс.": a line never breaks there

# pymorphy3's plural genitive of "человек" is "людей"; after a numeral Russian counts "человек"
_COUNT_FORMS = {"людей": "человек"}

MONTHS_LOCT = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
]
MONTHS_GENT = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


@lru_cache(maxsize=1)
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def rounded(value: float, decimals: int) -> Decimal:
    """Half up, as people round (Python's round() goes to even)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _grouped(d: Decimal) -> str:
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NBSP.join(groups) + ("," + frac if frac else "")


def count(value: float) -> str:
    """140521 → '140 521' (a thin space the line never breaks at)."""
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


def inflect_name(name: str, case: str) -> str:
    """A proper name in another case, word by word, keeping each word's capitals: 'Акмолинская
    область' → 'Акмолинской области', 'город Астана' → 'города Астаны', 'Южная Корея' → 'Южную
    Корею'. Words the dictionary does not know ('Жетісу') or cannot decline ('ОАЭ') stay as they are."""
    return " ".join(_inflect_word(word, case) for word in name.split(" "))


def _inflect_word(word: str, case: str) -> str:
    head, _, last = word.rpartition("-")  # Западно-Казахстанская: the last part declines
    parsed = morph().parse(last)[0]
    if word.isupper() or not parsed.is_known or "nomn" not in parsed.tag or parsed.tag.POS not in ("NOUN", "ADJF"):
        return word
    form = parsed.inflect({case})
    return (head + "-" if head else "") + _same_case(last, form.word) if form else word


def _same_case(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def months(period: str) -> str | None:
    """'2025-01/2025-03' → 'январе–марте 2025г.'; '2025-02' → 'феврале 2025г.'; None for another form."""
    parts = period.split("/")
    try:
        ys, ms = zip(*((int(p[:4]), int(p[5:7])) for p in parts)) if all(len(p) == 7 for p in parts) else ((), ())
    except ValueError:
        return None
    if not ys or len(set(ys)) != 1:
        return None
    if len(ms) == 1 or ms[0] == ms[-1]:
        return f"{MONTHS_LOCT[ms[0] - 1]} {ys[0]}г."
    return f"{MONTHS_LOCT[ms[0] - 1]}–{MONTHS_LOCT[ms[-1] - 1]} {ys[0]}г."


def day_month(day) -> str:
    """date(2025, 1, 1) → '1 января 2025г.'"""
    return f"{day.day} {MONTHS_GENT[day.month - 1]} {day.year}г."
