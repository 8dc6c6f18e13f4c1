"""Numbers as Russian texts write them.

"123 456", "456,7 тыс.", "1,2 млн", "-4 321", "45,6%", "12 млн 345,6 тыс.", "12 миллионов 345
тысяч 6", "более двух тыс.", "700-800 тыс. тенге". Values are Decimal, so "456,7 тыс." is
exactly 787300 and the stated precision (to 100) survives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

# Space-like characters that typesetters use as thousands separators.
_SPACES = "\u00a0\u202f\u2009\u2007\u2002\u2003\u2004\u2005\u2006\u2008\u200a"
_SPACE_TABLE = {ord(c): " " for c in _SPACES}
_SPACE_TABLE.update({ord("\u2212"): "-", ord("\u00ad"): ""})  # unicode minus; soft hyphen
_ONE_TO_ONE = {**{ord(c): " " for c in _SPACES}, ord("\u2212"): "-"}  # keeps offsets

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"


def normalise_spaces(text: str) -> str:
    """Exotic spaces to " ", the unicode minus to "-", soft hyphens dropped."""
    return text.translate(_SPACE_TABLE)


# A group of exactly three digits after a single space continues the number ("101 622");
# anything else starts a new one ("YYYY году 1 234" stays two numbers).
_DIGITS = r"(?P<int>\d{1,3}(?: \d{3})+(?!\d)|\d+)(?:,(?P<frac>\d+)|\.(?P<dfrac>\d{1,3})(?![.\d]))?"
_MULT_WORD = (
    r"тыс(?:яч[аиу]?|\.)?(?![а-яё])|млн\.?(?![а-яё])|миллион(?:а|ов|ом)?(?![а-яё])"
    r"|млрд\.?(?![а-яё])|миллиард(?:а|ов)?(?![а-яё])"
)
_NUM = re.compile(rf"(?<![\w.,/])(?:{_DIGITS})(?![\w.]\d)")
_MULT = re.compile(rf"\s*(?P<mult>{_MULT_WORD})", re.I)
_PCT = re.compile(r"\s*(?:%|процент[а-яё]*)", re.I)
MULTIPLIERS = {"тыс": 1000, "млн": 10**6, "миллион": 10**6, "млрд": 10**9, "миллиард": 10**9}

# Numbers in words (lemmas as pymorphy3 gives them).
_WORD_VALUES = {
    "ноль": 0,
    "один": 1,
    "два": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "тринадцать": 13,
    "четырнадцать": 14,
    "пятнадцать": 15,
    "шестнадцать": 16,
    "семнадцать": 17,
    "восемнадцать": 18,
    "девятнадцать": 19,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "шестьдесят": 60,
    "семьдесят": 70,
    "восемьдесят": 80,
    "девяносто": 90,
    "сто": 100,
    "двести": 200,
    "триста": 300,
    "четыреста": 400,
    "пятьсот": 500,
    "шестьсот": 600,
    "семьсот": 700,
    "восемьсот": 800,
    "девятьсот": 900,
    "полтора": Decimal("1.5"),
    "полторы": Decimal("1.5"),
}
_NUM_WORD = re.compile(r"(?<![а-яё])[а-яё]+(?![а-яё])", re.I)

_UNIT_WORDS = [
    ("KZT", re.compile(r"(тенге|тг\b|₸|kzt)", re.I)),
    ("currency", re.compile(r"(долл|\$|usd|евро|€|руб|сом\b|юан|вон\b|злот|фунт|лир)", re.I)),
    ("ratio", re.compile(r"раз(а|ов)?\b", re.I)),
    ("duration", re.compile(r"(лет\b|года?\b|годов\b|месяц|дн(я|ей|ень)\b|сут|недел|час|минут|секунд|квартал)", re.I)),
    (
        "persons",
        re.compile(
            r"(человек|чел\b|жител|граждан|казахстанц|мигрант|работник|специалист|люд|сотрудник|иммигрант|эмигрант|переселен|горожан)",
            re.I,
        ),
    ),
    (
        "other",
        re.compile(
            r"(км|га\b|тонн|кв\.|м2|единиц|ед\.|семе|семь|домохозяйств|предприяти|организаци|вакансий|мест\b|квартир|школ|случа|рабочих мест|штук|шт\b|регион|област|город|стран|национальност|брак|развод|рождени|смерт|дет[еи]|младен|мальчик|девоч|ребён|ребен|национал)",
            re.I,
        ),
    ),
]


@dataclass
class Number:
    start: int  # span of the whole expression (sign, digits, multiplier, %)
    end: int
    num_start: int  # where the digits (or number words) begin
    num_end: int
    value: Decimal
    precision: Decimal
    multiplier: int
    percent: bool
    unit: str  # persons | KZT | currency | ratio | duration | other | percent | bare
    raw: str
    sign: int = 0  # -1 / +1 when written with a sign glued to the digits, else 0
    words: bool = False  # written (at least partly) in words
    range_with: int | None = None  # index of the other end of a range ("N-M тыс.")


def _unit_after(text: str, pos: int) -> str:
    head = text[max(0, pos - 60) : pos]
    if re.match(r"\s*\)", text[pos:]) and head.rfind("(") > head.rfind(")"):
        return "bare"  # "A (N тыс.) и B (M) областях": the word after its parenthesis is not its unit
    tail = text[pos : pos + 30].lstrip(" )]»\"'.,-–—:")
    for unit, rx in _UNIT_WORDS:
        if rx.match(tail):
            return unit
    return "bare"


def _decimal(int_part: str, frac: str | None) -> Decimal:
    return Decimal(int_part.replace(" ", "") + ("." + frac if frac else ""))


def _mult_value(word: str) -> int:
    w = word.lower().rstrip(".")
    for k, v in MULTIPLIERS.items():
        if w.startswith(k):
            return v
    return 1


def find_numbers(text: str, lemma=None) -> list[Number]:
    """Every number in `text`, offsets in `text`. `lemma` (word -> lemma) reads numbers in
    words; without it only digits are read."""
    t = text.translate(_ONE_TO_ONE)
    out: list[Number] = []
    for m in _NUM.finditer(t):
        if out and m.start() < out[-1].end:
            continue  # inside a compound read already ("12 млн 345,6 тыс.")
        frac = m.group("frac") or m.group("dfrac")
        value = _decimal(m.group("int"), frac)
        precision = Decimal(1).scaleb(-len(frac)) if frac else Decimal(1)
        start, end = m.start(), m.end()
        sign = 0
        # "-5 561" is negative only when the minus is glued to the digits ("году - 123 456"
        # is a dash, "2000-2024" a range); "+76,3" is explicitly positive
        if start > 0 and t[start - 1] in DASHES + "+" and (start == 1 or t[start - 2] in ' (\n\t«"/:'):
            sign = 1 if t[start - 1] == "+" else -1
            start -= 1
        mult = 1
        mm = _MULT.match(t, end)
        if mm:
            mult = _mult_value(mm.group("mult"))
            end = mm.end()
            value, precision = value * mult, precision * mult
            # compound: "12 млн 345,6 тыс.", "12 миллионов 345 тысяч 678", "123 тысячи 456"
            while True:
                nxt = re.match(rf"\s+{_DIGITS}", t[end:])
                if not nxt:
                    break
                sub_frac = nxt.group("frac") or nxt.group("dfrac")
                sub = _decimal(nxt.group("int"), sub_frac)
                sub_end = end + nxt.end()
                mm2 = _MULT.match(t, sub_end)
                sub_mult = _mult_value(mm2.group("mult")) if mm2 else 1
                if sub_mult >= mult or sub * sub_mult >= mult:
                    break
                if not mm2 and (sub_frac or len(nxt.group("int").replace(" ", "")) > len(str(mult)) - 1):
                    break
                if not mm2 and _unit_after(t, sub_end) not in ("persons", "bare"):
                    break
                value += sub * sub_mult
                precision = Decimal(1).scaleb(-len(sub_frac)) * sub_mult if sub_frac else Decimal(sub_mult)
                end = mm2.end() if mm2 else sub_end
                mult = sub_mult
                if not mm2:
                    break
        percent = False
        pm = _PCT.match(t, end)
        if pm and mult == 1:
            percent = True
            end = pm.end()
        unit = "percent" if percent else _unit_after(t, end)
        if sign < 0:
            value = -value
        out.append(
            Number(start, end, m.start(), m.end(), value, precision, mult, percent, unit, t[m.start() : m.end()], sign)
        )
    if lemma is not None:
        out += _word_numbers(t, lemma, out)
        out.sort(key=lambda n: n.start)
    _ranges(t, out)
    return out


_MULT_LEMMAS = {"тысяча": 1000, "тыс": 1000, "миллион": 10**6, "млн": 10**6, "миллиард": 10**9, "млрд": 10**9}


def _word_numbers(t: str, lemma, digits: list[Number]) -> list[Number]:
    """Numbers written in words: 'восемьсот тысяч шестьсот пятьдесят шесть человек', 'более
    двух тыс.', 'пять тысяч пятьсот двадцать девять'. A run of number words counts when it has a
    multiplier, or reaches 100 and is followed by people; 'пять регионов' is not a figure."""
    out = []
    taken = [(n.start, n.end) for n in digits]
    words = [m for m in _NUM_WORD.finditer(t) if not any(a <= m.start() < b for a, b in taken)]
    i = 0
    while i < len(words):
        run = []
        j = i
        while j < len(words):
            w = words[j]
            if run and t[words[j - 1].end() : w.start()].strip(" \u00a0"):
                break  # a number's words stand next to each other
            lem = lemma(w.group(0))
            if lem in _WORD_VALUES or (run and lem in _MULT_LEMMAS):
                run.append((w, lem))
                j += 1
                continue
            break
        if not run:
            i += 1
            continue
        total, current, mult_seen, precision = Decimal(0), Decimal(0), 0, Decimal(1)
        for _word, lem in run:
            if lem in _MULT_LEMMAS:
                m = _MULT_LEMMAS[lem]
                total += (current or 1) * m
                current = Decimal(0)
                mult_seen = m
                precision = Decimal(m)
            else:
                current += Decimal(_WORD_VALUES[lem])
                precision = Decimal(1) if mult_seen else precision
        total += current
        end = run[-1][0].end()
        mm = _MULT.match(t, end)  # "двух тыс." — the abbreviation is not a word token
        if mm:
            m = _mult_value(mm.group("mult"))
            total = total * m if not mult_seen else total
            mult_seen, precision, end = m, Decimal(m), mm.end()
        unit = _unit_after(t, end)
        if mult_seen or (total >= 100 and unit == "persons"):
            start = run[0][0].start()
            out.append(
                Number(
                    start,
                    end,
                    start,
                    run[-1][0].end(),
                    total,
                    precision,
                    mult_seen or 1,
                    False,
                    unit,
                    t[start:end],
                    0,
                    True,
                )
            )
        i = j if j > i else i + 1
    return out


_RANGE_GAP = re.compile(r"^\s*(?:до|по|[" + DASHES + r"])\s*$", re.I)


def _ranges(t: str, nums: list[Number]) -> None:
    """'от N,N до M,M млн тенге', 'N-M тыс. тенге': the upper end's multiplier and unit
    apply to the lower end too."""
    for i, (a, b) in enumerate(zip(nums, nums[1:])):
        gap = t[a.num_end : b.num_start] if a.multiplier == 1 else t[a.end : b.num_start]
        if a.percent or b.sign or not _RANGE_GAP.match(gap):
            continue
        if a.multiplier == 1 and b.multiplier != 1:
            a.value, a.precision, a.multiplier = a.value * b.multiplier, a.precision * b.multiplier, b.multiplier
            a.end = a.num_end
        if a.unit == "bare":
            a.unit = b.unit
        a.range_with, b.range_with = i + 1, i


def plain(value: Decimal) -> int | float:
    """Decimal -> int when whole, float otherwise (JSON-friendly)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_CELL = re.compile(
    r"^\s*([" + DASHES + r"+])?\s*(\d{1,3}(?:[ ]\d{3})+|\d+)(?:[,.](\d+))?\s*(тыс\.?|млн\.?|%)?\s*$", re.I
)


@lru_cache(maxsize=100_000)
def parse_cell(cell: str) -> tuple[Decimal, Decimal, str] | None:
    """A table cell: '-5 561', '787,3', '4,1 тыс.' -> (value, precision, text as written).

    Dashes, 'x', '…', dates and text give None."""
    s = normalise_spaces(cell or "").replace("\n", " ").strip()
    s = re.sub(r"\s*(\d\)|\*+)$", "", s)  # footnote marks after the number
    m = _CELL.match(s)
    if not m:
        return None
    value = _decimal(m.group(2), m.group(3))
    precision = Decimal(1).scaleb(-len(m.group(3))) if m.group(3) else Decimal(1)
    mult = {"тыс": 1000, "млн": 10**6}.get((m.group(4) or "").lower().rstrip("."), 1)
    value, precision = value * mult, precision * mult
    if m.group(1) and m.group(1) != "+":
        value = -value
    return value, precision, s
