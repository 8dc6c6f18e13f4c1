"""What a document has established so far: its scopes.

The document (title, running header, datelines), each section (a heading, or a bare date or
year set apart as a marker), each paragraph and each sentence open a scope. A scope holds the
region, the date (for stocks), the interval (for flows), the report date (for "с начала года")
and the indicator and sign a list's lead line gives its items. A figure takes what its own
words say first and otherwise the nearest scope that has it; `how` records which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import entities, periods
from .periods import Period


@dataclass
class Scope:
    level: str  # doc | section | para | sentence
    parent: Scope | None = None
    region: str | None = None
    date: str | None = None
    flow: str | None = None
    year: int | None = None
    report_date: str | None = None
    whole_year: bool = False  # the section reports a complete year ("Итоги YYYY года", "За YYYY год")
    months: tuple[int, int] | None = None  # months stated without a year ("Первое полугодие")
    topics: set[str] = field(default_factory=set)  # work | abroad (flows of a region across the border)
    lead: dict | None = None  # what a list's lead line hands its items: indicator, sign, country
    names_regions: bool = False  # the document names Kazakh regions somewhere

    def find(self, attr: str):
        """(value, level of the scope that holds it)."""
        s: Scope | None = self
        while s is not None:
            v = getattr(s, attr)
            if v:
                return v, s.level
            s = s.parent
        return None, None

    def all_topics(self) -> set[str]:
        out: set[str] = set()
        s: Scope | None = self
        while s is not None:
            out |= s.topics
            s = s.parent
        return out

    def child(self, level: str) -> Scope:
        return Scope(level, self)


def absorb(
    scope: Scope,
    text: str,
    ps: list[Period] | None = None,
    mentions=None,
    dateline: bool = False,
    override: bool = False,
) -> None:
    """Let a heading, a title or a marker set what it states."""
    ps = ps if ps is not None else periods.find_periods(text)
    mentions = mentions if mentions is not None else entities.find(text)
    _absorb_region(scope, mentions)
    for p in _prefer_span(ps):
        if p.kind == "mask" or p.comparative:
            continue
        _absorb_period(scope, p, text, dateline, override)
    if scope.months and scope.year and not scope.flow:
        scope.flow = periods.interval(scope.year, *scope.months)


def _absorb_region(scope: Scope, mentions) -> None:
    regions = [m for m in mentions if m.kind == "region" and m.strong and m.via == "name"]
    if regions and len({m.code for m in regions}) == 1:
        scope.region = regions[0].code
    elif not regions and any(m.kind == "region" and m.code == "KZ" for m in mentions):
        scope.region = scope.region or "KZ"


def _prefer_span(ps: list[Period]) -> list[Period]:
    flows = [p for p in ps if p.kind != "mask" and not p.comparative and p.complete and not periods.is_date(p.value)]
    if len(flows) > 1:  # "08.2021 01–06.2021": the month and the data's months; the span wins
        span = max(flows, key=lambda p: (p.value.count("/"), p.start))
        ps = [p for p in ps if p not in flows or p is span]
    return ps


def _absorb_period(scope: Scope, p: Period, text: str, dateline: bool, override: bool) -> None:
    resolved = resolve(p, scope)
    if resolved is None:
        if p.months:
            scope.months = p.months
        if p.whole_year:
            scope.whole_year = True
        return
    iso, _ = resolved
    if dateline and not periods.is_date(iso):
        if re.fullmatch(r"\d{4}-\d\d", iso):
            scope.report_date = scope.report_date or f"{iso}-01"  # an issue of that month
        return  # "январь YYYY" in a running header dates the issue, not its figures
    if periods.is_date(iso):
        if dateline:
            scope.report_date = iso
        else:
            scope.date = iso
            scope.report_date = iso
    else:
        if override or not scope.flow or periods.year_of(scope.flow) != periods.year_of(iso):
            scope.flow = iso
        scope.year = periods.year_of(iso)
        if re.fullmatch(r"\d{4}", iso) and re.search(r"итог|за\s+\d{4}\s+год", text, re.I):
            scope.whole_year = True
    scope.year = scope.year or periods.year_of(iso)


def context_year(scope: Scope) -> int | None:
    s: Scope | None = scope
    while s is not None:
        if s.year:
            return s.year
        for attr in ("flow", "date"):
            v = getattr(s, attr)
            if v:
                return periods.year_of(v)
        s = s.parent
    rd, _ = scope.find("report_date")
    return periods.year_of(rd) if rd else None


def resolve(p: Period, scope: Scope, base: str | None = None) -> tuple[str, str] | None:
    """ISO period for `p` and how it was completed ('stated' or the scope level used).
    `base` is the period of the figure a relative expression ("годом ранее") compares with."""
    if p.kind == "mask":
        return None
    if p.complete:
        return p.value, "stated"
    if p.kind == "rel":
        return _resolve_relative(p, scope, base)
    if p.kind == "same":
        return _resolve_same(p, scope, base)
    if p.kind == "ytd":
        return _resolve_ytd(p, scope)
    return _resolve_in_context_year(p, scope)


def _resolve_relative(p: Period, scope: Scope, base: str | None) -> tuple[str, str] | None:
    b = base or scope.find("flow")[0] or scope.find("date")[0]
    if p.months:  # "январь–март прошлого года": those months, a year before the text's own year
        year = context_year(scope)
        return (periods.interval(year + p.shift, *p.months), "relative") if year else None
    return (periods.shift_years(b, p.shift), "relative") if b else None


def _resolve_same(p: Period, scope: Scope, base: str | None) -> tuple[str, str] | None:
    if p.year and (base or scope.find("flow")[0]):
        b = base or scope.find("flow")[0]
        m = periods.interval_months(b) if not periods.is_date(b) else None
        if m:
            return periods.interval(p.year, m[1], m[2]), "relative"
    if base:
        return base, "relative"
    for attr in ("date", "flow"):
        v, lvl = scope.find(attr)
        if v:
            return v, lvl
    return None


def _resolve_ytd(p: Period, scope: Scope) -> tuple[str, str] | None:
    year = p.year or context_year(scope)
    rd, lvl = None, None
    s: Scope | None = scope
    while s is not None and not rd:  # the nearest date the text stands at, or its issue date
        rd, lvl = s.date or s.report_date, s.level
        s = s.parent
    if rd and (year is None or periods.year_of(rd) in (year, year + 1)):
        return periods.to_date_interval(rd), "report-date"
    fl, lvl = scope.find("flow")
    if fl and (year is None or periods.year_of(fl) == year) and "/" in fl:
        return fl, lvl
    return None


def _resolve_in_context_year(p: Period, scope: Scope) -> tuple[str, str] | None:
    year = context_year(scope)
    if year is None:
        return None
    if p.day:
        mon, day = p.day
        whole, _ = scope.find("whole_year")
        if whole and (mon, day) == (1, 1):
            year += 1  # "на 1 января" in a year's results: the stock at its end
        return f"{year:04d}-{mon:02d}-{day:02d}", "context-year"
    if p.months:
        return periods.interval(year, *p.months), "context-year"
    if p.whole_year:
        return f"{year:04d}", "context-year"
    return None
