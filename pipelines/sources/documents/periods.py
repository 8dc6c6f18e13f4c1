"""Periods as Russian texts state them.

Complete expressions resolve at once ("на 1 апреля 2025г." -> 2025-04-01, "в январе–марте
2025г." -> 2025-01/2025-03, "январь–декабрь 2022" -> 2022; ISO "2025-04-01", "2025-01/2025-03"
as generated tables write them). Incomplete ones keep what they say
and are completed from the context in force (context.py): "за шесть месяцев" (months, no year),
"на 1 января" (a day, no year), "в сентябре", "за квартал", "с начала года" (up to the report
date), "годом ранее" (the context shifted a year back), "на ту же дату". Year ranges, "с 2016
года" and URLs are masks: their digits are not figures and they set no period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_Y = r"(?:19|20)\d\d"
_G = r"(?:\s*(?:г\.?г?\.?|гг\.?|год(?:а|у|ом|ах|ы|ов)?|ГОД[А-Я]*)(?![а-яё])\.?)?"
# a month's name in any case, or its abbreviation with a full stop ("янв.-сент. 2018г.")
_MONTH = (
    r"((?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яё]*"
    r"|(?:янв|февр?|мар|апр|авг|сент?|окт|нояб?|дек)\.)"
)
_MONTHS = ["янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
_D = "[\u2010-\u2015\u2212-]"
_COUNT = {
    "один": 1,
    "одного": 1,
    "два": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "трёх": 3,
    "четыре": 4,
    "четырех": 4,
    "четырёх": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "восемь": 8,
    "восьми": 8,
    "девять": 9,
    "девяти": 9,
    "десять": 10,
    "десяти": 10,
    "одиннадцать": 11,
    "одиннадцати": 11,
    "двенадцать": 12,
    "двенадцати": 12,
}
_COUNT_RX = "|".join(sorted(_COUNT, key=len, reverse=True))


def ends_with_month(text: str) -> bool:
    """The text ends with a month's name or its abbreviation ("янв.-сент.")."""
    return bool(re.search(rf"(?<![а-яё]){_MONTH}$", text.rstrip(), re.I))


def month_number(word: str) -> int:
    w = word.lower()
    for i, stem in enumerate(_MONTHS):
        if stem != "ма" and w.startswith(stem):
            return i + 1
    if w.startswith("ма"):
        return 5
    raise ValueError(word)


@dataclass
class Period:
    start: int
    end: int
    kind: str  # date | interval | ytd | rel | same | mask
    value: str | None = None  # ISO when complete
    months: tuple[int, int] | None = None  # an interval of months with no year
    day: tuple[int, int] | None = None  # (month, day) of a date with no year
    year: int | None = None  # a year given alone by "с начала YYYY года"
    shift: int = 0  # years, for rel
    whole_year: bool = False  # "за год": the year of the context
    comparative: bool = False  # "чем в 2023 году", "(в соответствующем периоде ...)": a comparison base
    text: str = ""

    @property
    def complete(self) -> bool:
        return self.value is not None


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def interval(year: int, m1: int, m2: int) -> str:
    if m1 == 1 and m2 == 12:
        return f"{year:04d}"
    if m1 == m2:
        return _ym(year, m1)
    return f"{_ym(year, m1)}/{_ym(year, m2)}"


def _ordinal(tok: str) -> int | None:
    t = tok.lower()
    table = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
    if t in table:
        return table[t]
    for k, v in (("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4)):
        if t.startswith(k):
            return v
    return None


_ORD = (
    r"(I{1,3}|IV|[1-4]|перв[а-яё]*|втор[а-яё]*|трет[а-яё]*|четв[её]рт[а-яё]*)(?:\s*"
    + _D
    + r"?\s*(?:м|й|ом|ой|го|ого|е|ое))?"
)
_PATTERNS: list[tuple[str, str]] = [
    # ISO forms, as tables generated from data write them: before the masks, which would take
    # "2025-04" for a span of years
    ("iso_span", rf"(?<![\d.])({_Y})-(0[1-9]|1[0-2])\s*/\s*({_Y})-(0[1-9]|1[0-2])(?![\d.-])"),  # 2025-01/2025-03
    ("iso_date", rf"(?<![\d.])({_Y})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\d.-])"),  # 2025-04-01
    ("url", r"(?:https?://|www\.)\S+|\S+\.(?:kz|ru|com|org|net)\b\S*"),
    ("mask", rf"\b{_Y}\s*{_D}\s*(?:{_Y}|\d\d)(?:-?[еxх])?\b{_G}"),  # 2000-2024 годы, 2019–2022 годах
    ("mask", rf"\b[сc]\s+{_Y}{_G}\s+по\s+{_Y}{_G}"),
    ("mask", rf"\b{_Y}\s*-?(?:е|x|х)\b(?:\s*год[а-яё]*)?"),  # 1990-е
    ("mask", rf"\b{_Y}\s+и\s+{_Y}\s*(?:гг\.?|годы|годах|годов)"),
    ("ytd_to", rf"\b[сc]\s+начала\s+({_Y}){_G}\s+по\s+(?:конец\s+)?{_MONTH}"),  # с начала 2021 года по конец марта
    ("ytd", rf"\b[сc]\s+начала\s+({_Y}){_G}"),  # с начала YYYY года
    ("ytd", r"\b[сc]\s+начала\s+(?:этого\s+|текущего\s+)?года\b"),
    ("mask", rf"\b(?:начиная\s+)?(?:с|со|после|до|по)\s+{_Y}{_G}"),
    ("mask", rf"\bк\s+{_Y}\s*(?:год[а-яё]*|г\.)"),
    ("mrange_num", rf"\b(0[1-9]|1[0-2])\s*[–—-]\s*(0[1-9]|1[0-2])\.({_Y})\b(?:\s*г\.?)?"),  # 01–06.2021
    ("date", rf"\b(\d{{1,2}})\s+{_MONTH}\s+({_Y}){_G}"),
    ("ddate", rf"\b(\d{{1,2}})\.(\d{{2}})\.({_Y})\b(?:\s*г\.?)?"),
    ("start", rf"\b(начал[а-яё]*|конец|конц[а-яё]*)\s+({_Y}){_G}"),
    ("mrange_rel", rf"\b{_MONTH}\s*{_D}\s*{_MONTH}\s+(?:прошл|предыдущ)[а-яё]+\s+года"),  # январь–март прошлого года
    ("mrange", rf"\b{_MONTH}\s*{_D}\s*{_MONTH}\s+({_Y}){_G}"),
    ("mrange_ny", rf"\b{_MONTH}\s*{_D}\s*{_MONTH}"),
    ("mfromto", rf"\b[сc]\s+{_MONTH}\s+по\s+{_MONTH}(?:\s+({_Y}){_G})?"),
    ("quarter", rf"\b{_ORD}\s+(?:квартал[а-яё]*|кв\.)(?:\s+({_Y}){_G})?"),
    ("half", rf"\b{_ORD}\s+(?:полугоди[а-яё]*|половин[а-яё]*)(?:\s+({_Y}){_G})?"),
    ("nmonths", rf"\b(\d{{1,2}}|{_COUNT_RX})\s+месяц[а-яё]*\s+({_Y}){_G}"),
    (
        "nmonths",
        rf"(?:\b(?:за|в\s+течение|итоги)\s+(?:перв[а-яё]+\s+|последни[а-яё]+\s+)?|^\s*)(\d{{1,2}}|{_COUNT_RX})\s+месяц[а-яё]*()",
    ),
    ("month", rf"\b{_MONTH}\s+({_Y}){_G}"),
    ("month_num", rf"(?<![\d.])(0[1-9]|1[0-2])\.({_Y})\b(?:\s*г\.?)?"),  # 03.2020
    ("day_ny", rf"\b(?:на|к|по\s+состоянию\s+на)\s+(\d{{1,2}})\s+{_MONTH}(?!\s*[{_D[1:-1]}])"),
    ("start_ny", r"\b(?:в|на|к)\s+начал[а-яё]*\s+(?:этого\s+|текущего\s+)?года\b"),
    ("same_date", r"\bна\s+(?:эту|ту\s+же|эту\s+же|данную)\s+дату"),
    ("rel", r"\b(?:в\s+|за\s+)?(?:соответствующ|аналогичн)[а-яё]+\s+период[а-яё]*\s+(?:предыдущ|прошл)[а-яё]+\s+года"),
    ("rel", r"\b(?:за\s+)?(?:те\s+же|тот\s+же)\s+(?:месяц[а-яё]*|период)\s+(?:прошл|предыдущ)[а-яё]+\s+года"),
    (
        "rel",
        r"\bгодом\s+ранее|\bгод\s+назад|\b(?:в|за)\s+(?:предыдущ|прошл)[а-яё]+\s+год[а-яё]*|уровн[а-яё]+\s+прошлого\s+года",
    ),
    ("same_y", rf"\b(?:за\s+)?(?:те\s+же|тот\s+же)\s+(?:месяц[а-яё]*|период)\s+({_Y}){_G}"),
    (
        "same",
        r"\bза\s+(?:эти|те\s+же)\s+(?:месяц[а-яё]*|(?:шесть|девять|три|семь)\s+месяц[а-яё]*)|\bза\s+(?:этот|тот\s+же)\s+период",
    ),
    ("year", rf"\b({_Y})(?:\s*(?:г\.?г?\.?|гг\.?|год(?:а|у|ом|ах|ы|ов)?|ГОД[А-Я]*)(?![а-яё])\.?)"),
    ("year", rf"\b({_Y})-(?:м|го|й|ом)\b"),  # "в 2022-м", "2020-го"
    ("year", rf"(?<=\b[вВзЗ]\s)({_Y})\b(?!\s*(?:тыс|млн|млрд|%|чел|человек|[,.]\d))"),
    ("year", rf"(?<=\bза\s)({_Y})\b(?!\s*(?:тыс|млн|млрд|%|чел|человек|[,.]\d))"),
    ("year", rf"(?<=\bитоги\s)({_Y})\b"),
    ("month_ny", rf"\b(?:в|за|на)\s+{_MONTH}(?!\s*{_D}\s*{_MONTH})(?!\s+\d)"),
    ("quarter_ny", r"\bза\s+квартал\b"),
    ("half_ny", r"\bза\s+полугодие\b"),
    (
        "year_ny",
        r"\bза\s+(?:этот\s+)?год\b|\bза\s+год\b|\bпо\s+итогам\s+(?:этого\s+|прошлого\s+)?года\b|\bитоги\s+года\b",
    ),
]
_COMPILED = [(k, re.compile(p, re.I)) for k, p in _PATTERNS]
_COMPARE = re.compile(
    r"(?:чем|сравнени[а-яё]*\s+с|против|относительно|уровень|уровня|уровнем|показател[ья])\s*(?:в|с|со|на|за|у)?\s*$",
    re.I,
)


def find_periods(text: str) -> list[Period]:
    """Every period expression of `text` (fresh objects; the parse is cached)."""
    from copy import copy

    return [copy(p) for p in _find_periods(text)]


_HINT = re.compile(
    r"\d|январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр|квартал|полугод|"
    r"половин|месяц|год|начал|ранее|период|дату|назад|http|www",
    re.I,
)


@lru_cache(maxsize=50_000)
def _find_periods(text: str) -> tuple[Period, ...]:
    if not _HINT.search(text):
        return ()
    out: list[Period] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(text):
            a, b = m.span()
            if any(not (b <= s or a >= e) for s, e in taken):
                continue
            p = _make(kind, m)
            if p is None:
                continue
            p.text = m.group(0)
            taken.append((a, b))
            if p.kind != "mask":
                before = text[max(0, a - 30) : a]
                p.comparative = bool(_COMPARE.search(before))
            out.append(p)
    out.sort(key=lambda p: p.start)
    return tuple(out)


def _year(g: str | None) -> int | None:
    return int(g) if g else None


def _make(kind: str, m: re.Match[str]) -> Period | None:
    a, b = m.span()
    make = _MAKERS.get(kind)
    return make(a, b, m.groups()) if make else None


# One small maker per pattern kind: (start, end, the match's groups) -> Period or None.
_Groups = tuple[str | None, ...]


def _make_mask(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "mask")


def _make_iso_span(a: int, b: int, g: _Groups) -> Period | None:
    y1, m1, y2, m2 = (int(x) for x in g)
    return Period(a, b, "interval", interval(y1, m1, m2)) if y1 == y2 and m1 <= m2 else None


def _make_iso_date(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "date", f"{g[0]}-{g[1]}-{g[2]}")


def _make_date(a: int, b: int, g: _Groups) -> Period | None:
    day, mon, year = int(g[0]), month_number(g[1]), int(g[2])
    if not 1 <= day <= 31:
        return None
    return Period(a, b, "date", f"{year:04d}-{mon:02d}-{day:02d}")


def _make_ddate(a: int, b: int, g: _Groups) -> Period | None:
    day, mon, year = int(g[0]), int(g[1]), int(g[2])
    if not (1 <= day <= 31 and 1 <= mon <= 12):
        return None
    return Period(a, b, "date", f"{year:04d}-{mon:02d}-{day:02d}")


def _make_start(a: int, b: int, g: _Groups) -> Period | None:
    year = int(g[1])
    if g[0].lower().startswith("кон"):  # the end of a year is the start of the next
        year += 1
    return Period(a, b, "date", f"{year:04d}-01-01")


def _make_ytd(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "ytd", year=_year(g[0]) if g else None)


def _make_mrange_num(a: int, b: int, g: _Groups) -> Period | None:
    m1, m2, year = int(g[0]), int(g[1]), int(g[2])
    return Period(a, b, "interval", interval(year, m1, m2)) if m1 <= m2 else None


def _make_month_num(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "interval", _ym(int(g[1]), int(g[0])))


def _make_ytd_to(a: int, b: int, g: _Groups) -> Period | None:
    year, m2 = int(g[0]), month_number(g[1])
    return Period(a, b, "interval", interval(year, 1, m2))


def _make_mrange_rel(a: int, b: int, g: _Groups) -> Period | None:
    m1, m2 = month_number(g[0]), month_number(g[1])
    return Period(a, b, "rel", months=(m1, m2), shift=-1) if m1 <= m2 else None


def _make_mrange(a: int, b: int, g: _Groups) -> Period | None:
    m1, m2, year = month_number(g[0]), month_number(g[1]), int(g[2])
    return Period(a, b, "interval", interval(year, m1, m2)) if m1 <= m2 else None


def _make_mrange_ny(a: int, b: int, g: _Groups) -> Period | None:
    m1, m2 = month_number(g[0]), month_number(g[1])
    if m1 > m2:
        return None
    year = _year(g[2]) if len(g) > 2 else None
    if year:
        return Period(a, b, "interval", interval(year, m1, m2))
    return Period(a, b, "interval", months=(m1, m2))


def _months_of(a: int, b: int, months: tuple[int, int], year: int | None) -> Period:
    """Months of a stated year, or months waiting for the context's year."""
    return Period(a, b, "interval", interval(year, *months) if year else None, months=None if year else months)


def _make_quarter(a: int, b: int, g: _Groups) -> Period | None:
    q = _ordinal(g[0])
    if not q:
        return None
    return _months_of(a, b, (3 * q - 2, 3 * q), _year(g[1]))


def _make_half(a: int, b: int, g: _Groups) -> Period | None:
    h = _ordinal(g[0])
    if h not in (1, 2):
        return None
    return _months_of(a, b, (6 * h - 5, 6 * h), _year(g[1]))


def _make_nmonths(a: int, b: int, g: _Groups) -> Period | None:
    n = int(g[0]) if g[0].isdigit() else _COUNT.get(g[0].lower())
    if not n or not 1 <= n <= 12:
        return None
    return _months_of(a, b, (1, n), _year(g[1]))


def _make_month(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "interval", _ym(int(g[1]), month_number(g[0])))


def _make_day_ny(a: int, b: int, g: _Groups) -> Period | None:
    day, mon = int(g[0]), month_number(g[1])
    if not 1 <= day <= 31:
        return None
    return Period(a, b, "date", day=(mon, day))


def _make_start_ny(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "date", day=(1, 1))


def _make_same(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "same")


def _make_rel(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "rel", shift=-1)


def _make_same_y(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "same", year=int(g[0]))


def _make_year(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "interval", g[0])


def _make_month_ny(a: int, b: int, g: _Groups) -> Period | None:
    mon = month_number(g[0])
    return Period(a, b, "interval", months=(mon, mon))


def _make_year_ny(a: int, b: int, g: _Groups) -> Period | None:
    return Period(a, b, "interval", whole_year=True)


_MAKERS = {
    "url": _make_mask,
    "mask": _make_mask,
    "iso_span": _make_iso_span,
    "iso_date": _make_iso_date,
    "date": _make_date,
    "ddate": _make_ddate,
    "start": _make_start,
    "ytd": _make_ytd,
    "mrange_num": _make_mrange_num,
    "month_num": _make_month_num,
    "ytd_to": _make_ytd_to,
    "mrange_rel": _make_mrange_rel,
    "mrange": _make_mrange,
    "mrange_ny": _make_mrange_ny,
    "mfromto": _make_mrange_ny,
    "quarter": _make_quarter,
    "half": _make_half,
    "nmonths": _make_nmonths,
    "month": _make_month,
    "day_ny": _make_day_ny,
    "start_ny": _make_start_ny,
    "same_date": _make_same,
    "rel": _make_rel,
    "same_y": _make_same_y,
    "same": _make_same,
    "year": _make_year,
    "month_ny": _make_month_ny,
    "quarter_ny": _make_same,
    "half_ny": _make_same,
    "year_ny": _make_year_ny,
}


def shift_years(iso: str, years: int) -> str:
    """Move every year in an ISO period by `years` (2025-01/2025-03 -> 2024-01/2024-03)."""
    return re.sub(r"\b((?:19|20)\d\d)\b", lambda m: str(int(m.group(1)) + years), iso)


def year_of(iso: str) -> int:
    return int(iso[:4])


def is_date(iso: str | None) -> bool:
    return bool(iso) and bool(re.fullmatch(r"\d{4}-\d\d-\d\d", iso))


def to_date_interval(date_iso: str) -> str | None:
    """The flow 'since the start of the year' reported on a date: on 1 December 2023 ->
    2023-01/2023-11; on 1 January -> the previous year."""
    y, m, d = (int(x) for x in date_iso.split("-"))
    if d != 1:
        return interval(y, 1, m)
    if m == 1:
        return f"{y - 1:04d}"
    return interval(y, 1, m - 1)


def interval_months(iso: str) -> tuple[int, int, int] | None:
    """(year, first month, last month) of a flow period."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d))?(?:/(\d{4})-(\d\d))?", iso)
    if not m:
        return None
    y = int(m.group(1))
    if m.group(2) is None:
        return y, 1, 12
    m1 = int(m.group(2))
    m2 = int(m.group(4)) if m.group(4) else m1
    return y, m1, m2
