"""Numbers as Russian texts write them: "140 521", "787,3 тыс.", "1,7 млн", "-5 561", "57,4%".

Values are computed with Decimal so "787,3 тыс." is exactly 787300 and the stated precision
("to 100") survives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Space-like characters that typesetters use as thousands separators.
_SPACES = "\u00a0\u202f\u2009\u2007\u2002\u2003\u2004\u2005\u2006\u2008\u200a"
_SPACE_TABLE = {ord(c): " " for c in _SPACES}
_SPACE_TABLE_1TO1 = {**{ord(c): " " for c in _SPACES}, ord("\u2212"): "-"}  # keeps offsets
_SPACE_TABLE.update({ord("\u2212"): "-", ord("\u00ad"): ""})  # unicode minus; soft hyphen

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"


def normalise_spaces(text: str) -> str:
    """Map exotic spaces to " " and the unicode minus to "-" (1:1 except soft hyphens)."""
    return text.translate(_SPACE_TABLE)


# A group of exactly three digits after a single space continues the number ("101 622",
# "6 595"); anything else starts a new one ("2024 году 4 446" stays two numbers).
_NUM = re.compile(
    r"(?<![\w.,])(?P<int>\d{1,3}(?: \d{3})+(?!\d)|\d+)(?:,(?P<frac>\d+)|\.(?P<dfrac>\d{1,3})(?![.\d]))?(?!\d)"
)
_MULT = re.compile(
    r"\s*(?P<mult>тыс(?:яч[аи]?)?\b\.?|тыс\.|млн\b\.?|миллион(?:а|ов)?\b|млрд\b\.?|миллиард(?:а|ов)?\b)",
    re.IGNORECASE,
)
_PCT = re.compile(r"\s*(?:%|процент\w*)", re.IGNORECASE)

MULTIPLIERS = {"тыс": 1000, "млн": 10**6, "миллион": 10**6, "млрд": 10**9, "миллиард": 10**9}

# What follows a number says what it counts.
_UNIT_WORDS = [
    ("KZT", re.compile(r"(тенге|тг\b|₸|kzt)", re.I)),
    ("currency", re.compile(r"(долл|\$|usd|евро|€|руб|сом\b|юан)", re.I)),
    ("ratio", re.compile(r"раз(а|ов)?\b", re.I)),
    ("duration", re.compile(r"(лет|года?|годов|месяц\w*|дн(я|ей|ень)|сут\w*|недел\w*|час\w*|минут\w*|квартал\w*)\b", re.I)),
    ("persons", re.compile(r"(человек|чел\b|жител|граждан|казахстанц|мигрант|работник|специалист|люд|сотрудник)", re.I)),
    ("other", re.compile(r"(км|га\b|тонн|кв\.|м2|единиц|ед\.|семе|домохозяйств|предприяти|организаци|вакансий|мест\b|квартир|школ|случа|рабочих мест|штук|шт\b)", re.I)),
]


@dataclass
class Number:
    start: int  # span of the whole expression (sign, digits, multiplier, %)
    end: int
    num_start: int  # span of the digits only
    num_end: int
    value: Decimal
    precision: Decimal
    multiplier: int
    percent: bool
    unit: str  # persons | KZT | currency | ratio | duration | other | percent | bare
    raw: str
    negative_sign: bool = False

    @property
    def digits(self) -> str:
        return self.raw


def _unit_after(text: str, pos: int) -> str:
    tail = text[pos : pos + 30].lstrip(" )]»\"'.,-–—:")
    for unit, rx in _UNIT_WORDS:
        m = rx.match(tail)
        if m:
            return unit
    return "bare"


def to_decimal(int_part: str, frac: str | None) -> Decimal:
    s = int_part.replace(" ", "") + ("." + frac if frac else "")
    return Decimal(s)


def find_numbers(text: str) -> list[Number]:
    """Every number in `text` with its multiplier and unit hint (offsets are `text`'s)."""
    text = text.translate(_SPACE_TABLE_1TO1)
    out: list[Number] = []
    for m in _NUM.finditer(text):
        frac = m.group("frac") or m.group("dfrac")
        try:
            base = to_decimal(m.group("int"), frac)
        except InvalidOperation:  # pragma: no cover - the regex only admits digits
            continue
        start, end = m.start(), m.end()
        negative = False
        # "-5 561" is negative only when the minus is glued to the digits and stands alone
        # ("году - 140 521" is a dash, "2000-2024" a range).
        if start > 0 and text[start - 1] in DASHES and (start == 1 or text[start - 2] in " (\n\t"):
            negative = True
            start -= 1
        mult = 1
        percent = False
        mm = _MULT.match(text, end)
        if mm:
            word = mm.group("mult").lower().rstrip(".")
            for k, v in MULTIPLIERS.items():
                if word.startswith(k):
                    mult = v
            end = mm.end()
        pm = _PCT.match(text, end)
        if pm:
            percent = True
            end = pm.end()
        unit = "percent" if percent else _unit_after(text, end)
        precision = Decimal(1).scaleb(-len(frac)) if frac else Decimal(1)
        value = base * mult
        out.append(
            Number(
                start=start,
                end=end,
                num_start=m.start(),
                num_end=m.end(),
                value=-value if negative else value,
                precision=precision * mult,
                multiplier=mult,
                percent=percent,
                unit=unit,
                raw=m.group(0),
                negative_sign=negative,
            )
        )
    _spread_range_multipliers(text, out)
    return out


_RANGE_GAP = re.compile(r"^\s*(?:до|по|[" + DASHES + r"])\s*$", re.IGNORECASE)


def _spread_range_multipliers(text: str, nums: list[Number]) -> None:
    """'от 1,3 до 1,7 млн тенге', '1,3–1,7 млн': the multiplier and unit of the upper end
    apply to the lower end too."""
    for a, b in zip(nums, nums[1:]):
        gap = text[a.num_end : b.num_start] if a.multiplier == 1 else text[a.end : b.num_start]
        if not a.percent and _RANGE_GAP.match(gap):
            if b.negative_sign:  # "1 -2" is not a range
                continue
            if a.multiplier == 1 and b.multiplier != 1:
                a.value = a.value * b.multiplier
                a.precision = a.precision * b.multiplier
                a.multiplier = b.multiplier
            if a.unit == "bare":
                a.unit = b.unit
            if a.multiplier == 1:
                a.percent = b.percent
                a.end = a.num_end


def plain(value: Decimal) -> int | float:
    """Decimal -> int when whole, float otherwise (JSON-friendly)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_CELL = re.compile(r"^\s*([" + DASHES + r"])?\s*(\d{1,3}(?:[ ]\d{3})+|\d+)(?:[,.](\d+))?\s*$")


def parse_cell(cell: str) -> tuple[Decimal, Decimal, str] | None:
    """A table cell: '-5 561', '787,3', '1 234,5' -> (value, precision, digits as written).

    Dashes, 'x', '…' and text give None.
    """
    s = normalise_spaces(cell or "").replace("\n", " ").strip()
    s = re.sub(r"\s*(\d\)|\*+)$", "", s)  # footnote marks after the number
    m = _CELL.match(s)
    if not m:
        return None
    value = to_decimal(m.group(2), m.group(3))
    precision = Decimal(1).scaleb(-len(m.group(3))) if m.group(3) else Decimal(1)
    if m.group(1):
        value = -value
    return value, precision, s
