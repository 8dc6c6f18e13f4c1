"""Periods as Russian texts state them, resolved to ISO 8601.

"на 1 апреля 2025г." -> 2025-04-01, "на начало 2000 года" -> 2000-01-01,
"в январе–марте 2025г." -> 2025-01/2025-03, "в 2024 году" -> 2024. Relative phrases
("в соответствующем периоде предыдущего года", "годом ранее") are returned unresolved with a
year shift; prose.py resolves them against the period in force.

Spans that look like periods but are not the period of a figure (year ranges, plan periods,
"с 2016 года") come back with kind "mask": their numbers are not figures and they set no period.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_Y = r"(?:19|20)\d\d"
_G = r"(?:\s*(?:г\.?г?\.?|гг\.?|год(?:а|у|ом|ах|ы|ов)?)\b\.?)?"  # "г.", "года", "году" ...
_MONTH = r"(январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яё]*"
_MONTHS = ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"]
_D = "[\u2010-\u2015\u2212-]"


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
    kind: str  # "abs" | "rel" | "mask"
    value: str | None = None  # ISO for abs
    shift: int = 0  # years, for rel
    comparative: bool = False  # "чем в 2023 году": a comparison base, not the figure's period


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4,
          "перв": 1, "втор": 2, "трет": 3, "четв": 4}


def _ordinal(tok: str) -> int | None:
    t = tok.lower()
    for k, v in _ROMAN.items():
        if t == k or (len(k) > 2 and t.startswith(k)):
            return v
    return None


# Order matters: longer, more specific patterns first; later patterns skip claimed text.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(r"(?:https?://|www\.)\S+", re.I)),
    # year ranges and plan periods: "2000-2024 годы", "на 2023-2027 годы", "2019–2024 гг."
    ("yrange", re.compile(rf"\b{_Y}\s*{_D}\s*(?:{_Y}|\d\d)\b{_G}", re.I)),
    ("yrange", re.compile(rf"\b[сc]\s+{_Y}{_G}\s+по\s+{_Y}{_G}", re.I)),
    ("ysince", re.compile(rf"\b(?:начиная\s+)?(?:с|со|после|до)\s+{_Y}{_G}", re.I)),
    ("date", re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+({_Y}){_G}", re.I)),
    ("ddate", re.compile(rf"\b(\d{{2}})\.(\d{{2}})\.({_Y})\b(?:\s*г\.?)?", re.I)),
    ("start", re.compile(rf"\b(?:на\s+)?(начал[а-я]*|конец|конц[а-я]*)\s+({_Y}){_G}", re.I)),
    ("mrange", re.compile(rf"\b{_MONTH}\s*{_D}\s*{_MONTH}\s+({_Y}){_G}", re.I)),
    ("quarter", re.compile(rf"\b(I{{1,3}}|IV|[1-4]|перв\w*|втор\w*|трет\w*|четв[её]рт\w*)\s*(?:{_D}?\s*(?:м|й|ом|ой))?\s+квартал[а-я]*\s+({_Y}){_G}", re.I)),
    ("half", re.compile(rf"\b(I{{1,2}}|[12]|перв\w*|втор\w*)\s*(?:{_D}?\s*(?:м|й|ом|ое|ого))?\s+полугоди[а-я]*\s+({_Y}){_G}", re.I)),
    ("nmonths", re.compile(rf"\b(\d{{1,2}})\s+месяц[а-я]*\s+({_Y}){_G}", re.I)),
    ("month", re.compile(rf"\b{_MONTH}\s+({_Y}){_G}", re.I)),
    ("year", re.compile(rf"\b({_Y})(?:\s*(?:г\.?г?\.?|гг\.?|год(?:а|у|ом|ах|ы|ов)?)\b\.?)", re.I)),
    ("year", re.compile(rf"(?<=\b[вВзЗ]\s)({_Y})\b(?!\s*(?:тыс|млн|млрд|%|чел|человек|[,.]\d))", re.I)),
    ("year", re.compile(rf"(?<=\bза\s)({_Y})\b(?!\s*(?:тыс|млн|млрд|%|чел|человек|[,.]\d))", re.I)),
    ("rel", re.compile(r"\b(?:в\s+)?(?:соответствующ|аналогичн)[а-я]+\s+период[а-я]*\s+(?:предыдущ|прошл)[а-я]+\s+года", re.I)),
    ("rel", re.compile(r"\bгодом\s+ранее|\bгод\s+назад|\b(?:в|за)\s+(?:предыдущ|прошл)[а-я]+\s+год[а-я]*", re.I)),
]

# "чем в 2023 году", "по сравнению с 2023 годом", "против 695 человек" mark a comparison base.
_COMPARE = re.compile(r"(?:чем|сравнени[а-я]*\s+с|против|относительно)\s*(?:в|с|со|на)?\s*$", re.I)


def find_periods(text: str) -> list[Period]:
    out: list[Period] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            a, b = m.span()
            if not free(a, b):
                continue
            p = _make(kind, m)
            if p is None:
                continue
            taken.append((a, b))
            if p.kind != "mask":
                p.comparative = bool(_COMPARE.search(text[max(0, a - 25) : a]))
            out.append(p)
    out.sort(key=lambda p: p.start)
    return out


def _make(kind: str, m: re.Match[str]) -> Period | None:
    a, b = m.span()
    g = m.groups()
    if kind in ("url", "yrange", "ysince"):
        return Period(a, b, "mask")
    if kind == "date":
        day, mon, year = int(g[0]), month_number(g[1]), int(g[2])
        if not 1 <= day <= 31:
            return None
        return Period(a, b, "abs", f"{year:04d}-{mon:02d}-{day:02d}")
    if kind == "ddate":
        day, mon, year = int(g[0]), int(g[1]), int(g[2])
        if not (1 <= day <= 31 and 1 <= mon <= 12):
            return None
        return Period(a, b, "abs", f"{year:04d}-{mon:02d}-{day:02d}")
    if kind == "start":
        year = int(g[1])
        if g[0].lower().startswith("кон"):  # end of year = start of the next one
            year += 1
        return Period(a, b, "abs", f"{year:04d}-01-01")
    if kind == "mrange":
        m1, m2, year = month_number(g[0]), month_number(g[1]), int(g[2])
        return Period(a, b, "abs", f"{_ym(year, m1)}/{_ym(year, m2)}")
    if kind == "quarter":
        q, year = _ordinal(g[0]), int(g[1])
        if not q:
            return None
        return Period(a, b, "abs", f"{_ym(year, 3 * q - 2)}/{_ym(year, 3 * q)}")
    if kind == "half":
        h, year = _ordinal(g[0]), int(g[1])
        if h not in (1, 2):
            return None
        return Period(a, b, "abs", f"{_ym(year, 6 * h - 5)}/{_ym(year, 6 * h)}")
    if kind == "nmonths":
        n, year = int(g[0]), int(g[1])
        if not 1 <= n <= 12:
            return None
        return Period(a, b, "abs", f"{_ym(year, 1)}/{_ym(year, n)}" if n > 1 else _ym(year, 1))
    if kind == "month":
        return Period(a, b, "abs", _ym(int(g[1]), month_number(g[0])))
    if kind == "year":
        return Period(a, b, "abs", g[0])
    if kind == "rel":
        return Period(a, b, "rel", shift=-1)
    return None  # pragma: no cover


def shift_years(iso: str, years: int) -> str:
    """Move every year in an ISO period by `years` (2025-01/2025-03 -> 2024-01/2024-03)."""
    return re.sub(r"\b((?:19|20)\d\d)\b", lambda m: str(int(m.group(1)) + years), iso)


def period_end(iso: str) -> str:
    """Sort key for 'the later period'."""
    return iso.split("/")[-1]
