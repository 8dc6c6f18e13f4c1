"""Figures in running Russian text.

A paragraph is cut into sentences and each sentence into clauses (at commas, semicolons and
the conjunctions "и"/"а"). A number becomes a figure only when an indicator can be found for
it: in its own clause, else carried from an earlier clause of the same sentence (one verb
shared by a list: "4 446 казахстанцев поехали в Великобританию, 3 000 - в ОАЭ"). Period and
region are carried the same way; the region also carries from sentence to sentence (a note
about one oblast names it once). Countries and occupations never leave their sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import entities, indicators, numbers, periods
from .numbers import Number
from .periods import Period

UNITS = {
    "population": "persons", "population_urban": "persons", "population_rural": "persons",
    "population_urban_share": "percent", "population_rural_share": "percent",
    "natural_increase": "persons", "labour_force": "persons", "arrivals": "persons",
    "departures": "persons", "net_migration": "persons", "departures_growth_ratio": "ratio",
    "labour_emigration": "persons", "wage_offer_min": "KZT", "wage_offer_max": "KZT",
}
PERSON_INDICATORS = {k for k, v in UNITS.items() if v == "persons"}


@dataclass
class RawFigure:
    indicator: str
    value: Decimal
    unit: str
    period: str | None
    region: str | None
    country: str | None
    occupation: str | None
    precision: Decimal
    text: str
    offset: int  # character offset of the number within its segment


@dataclass
class DocState:
    """What a document has established so far, carried from sentence to sentence."""

    region: str | None = None
    period: str | None = None  # last absolute period, the base of "годом ранее"
    sentence_period: str | None = None  # last period of the previous sentence of the paragraph
    figures: list[RawFigure] = field(default_factory=list)


# Footnote marks "[1]" and list markers are not figures; blank them keeping offsets.
_FOOTNOTE = re.compile(r"\[\s*\d{1,3}\s*\]|\(\s*\d{1,2}\s*\)(?=\s*[.,;]|\s*$)")
_LIST_MARK = re.compile(r"(?:^|(?<=[.:;!?]\s)|(?<=\n))\s*(\d{1,2})[.)](?=\s+[А-ЯЁA-Z«\"])")
_REF_NUMBER = re.compile(r"(?:табл(?:ица|ице|ицы|\.)?|рис(?:унок|унке|\.)?|диаграмм[а-я]*|график[а-я]*|схем[а-я]*|приложени[а-я]*|№|ст\.|стать[а-я]+|п\.|пункт[а-я]*|глав[а-я]*|раздел[а-я]*|страниц[а-я]*|стр\.|с\.)\s*$", re.I)
_AGE_OR_RANGE_UNIT = re.compile(r"\s*[-–—]\s*\d+\s*(?:лет|год)", re.I)

_ABBREV = {"г", "гг", "обл", "ул", "им", "ст", "рис", "табл", "см", "стр", "т", "д", "р", "п", "пп", "ч", "кв"}
_SENT_END = re.compile(r"[.!?…]+[\")»\]]*\s+(?=[А-ЯЁA-Z«\"(\d])")
_CLAUSE_SEP = re.compile(r"[,;:]\s|\s[иа]\s|\s(?:при\s+этом|тогда\s+как|в\s+то\s+время\s+как)\s", re.I)


def _blank(text: str, rx: re.Pattern[str], group: int = 0) -> str:
    return rx.sub(lambda m: m.group(0)[: m.start(group) - m.start(0)] + " " * (m.end(group) - m.start(group)) + m.group(0)[m.end(group) - m.start(0):], text)


def sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        before = re.search(r"(\w+)[.!?…]*$", text[start : m.start() + 1])
        word = before.group(1).lower() if before else ""
        if text[m.start()] == "." and (word in _ABBREV or (len(word) == 1 and word.isalpha())):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def clauses(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = a
    for m in _CLAUSE_SEP.finditer(text, a, b):
        out.append((start, m.start() + 1))
        start = m.start() + 1
    out.append((start, b))
    return out


def _is_non_figure(text: str, n: Number, masks: list[Period]) -> bool:
    if any(not (n.num_end <= p.start or n.num_start >= p.end) for p in masks):
        return True  # a year, a date, a year range, part of a URL
    if n.unit in ("duration", "other", "currency"):
        return True
    before = text[max(0, n.start - 25) : n.start]
    if _REF_NUMBER.search(before):
        return True
    if _AGE_OR_RANGE_UNIT.match(text, n.num_end):
        return True  # "15-64 лет"
    if n.multiplier == 1 and not n.percent and n.unit == "bare" and " " not in n.raw and "," not in n.raw:
        v = n.value
        if 1900 <= v <= 2100:
            return True  # a bare year
    return False


def _nearest(items, pos: int, a: int, b: int):
    """The item closest before `pos` within [a, b), else the first after it."""
    before = [x for x in items if a <= x.start < b and x.start < pos]
    if before:
        return before[-1]
    after = [x for x in items if a <= x.start < b and x.start >= pos]
    return after[0] if after else None


def _resolve_period(p: Period, text_periods: list[Period], state: DocState) -> str | None:
    if p.kind == "abs":
        return p.value
    base = None
    for q in text_periods:
        if q.kind == "abs" and q.start < p.start and not q.comparative:
            base = q.value
    base = base or state.period
    return periods.shift_years(base, p.shift) if base else None


def extract_segment(text: str, state: DocState) -> list[RawFigure]:
    """Figures of one paragraph (a Segment's text)."""
    text = _blank(text, _FOOTNOTE)
    text = _blank(text, _LIST_MARK, 1)
    all_periods = periods.find_periods(text)
    masks = all_periods  # every period-like span hides its digits
    nums = numbers.find_numbers(text)
    out: list[RawFigure] = []
    state.sentence_period = None  # periods carry between sentences of one paragraph only
    for sa, sb in sentences(text):
        out += _sentence(text, sa, sb, nums, all_periods, masks, state)
    return out


def _sentence(text, sa, sb, nums, all_periods, masks, state: DocState) -> list[RawFigure]:
    stext = text[sa:sb]
    sent_nums = [n for n in nums if sa <= n.num_start < sb and not _is_non_figure(text, n, masks)]
    s_periods = [p for p in all_periods if sa <= p.start < sb and p.kind != "mask"]
    regions = [m for m in entities.find_regions(stext)]
    regions = [entities.Mention(m.start + sa, m.end + sa, m.code, m.kind, m.strong) for m in regions]
    countries = [entities.Mention(m.start + sa, m.end + sa, m.code, m.kind) for m in entities.find_countries(stext)]
    occupations = [entities.Mention(m.start + sa, m.end + sa, m.code, m.kind) for m in entities.find_occupations(stext)]
    hits = [indicators.Hit(h.start + sa, h.end + sa, h.code, h.sign, h.rank) for h in indicators.find_indicator_hits(stext)]
    work_context = bool(indicators.WORK_CONTEXT.search(stext))
    has_wage = any(h.code == "wage" for h in hits)
    cls = clauses(text, sa, sb)
    clean = re.sub(r"\s+", " ", stext).strip()

    out: list[RawFigure] = []
    used_as_range_low: set[int] = set()
    for i, n in enumerate(sent_nums):
        ca, cb = next(((a, b) for a, b in cls if a <= n.num_start < b), (sa, sb))
        # --- indicator: own clause (most specific, then nearest), else carried in the sentence
        c_hits = [h for h in hits if ca <= h.start < cb]
        ctext = text[ca:cb]
        c_entities = [m for m in (*regions, *countries, *occupations) if ca <= m.start < cb and m.strong]
        if c_hits:
            top = max(h.rank for h in c_hits)
            hit = min((h for h in c_hits if h.rank == top), key=lambda h: abs(h.start - n.num_start))
        else:
            if indicators.OTHER_SUBJECT.search(ctext):
                continue  # this clause counts something else
            if indicators.BREAKDOWN.search(ctext) and not c_entities:
                continue  # "в том числе ...": a part of the carried figure, not the figure
            hit = _nearest(hits, n.num_start, sa, sb)
        if hit is None:
            continue
        if indicators.PARTIAL_FLOW.search(ctext) or indicators.PARTIAL_FLOW.search(text[max(sa, hit.start - 40) : hit.end + 40]):
            if hit.code in ("arrivals", "departures", "net_migration"):
                continue
        if n.unit != "ratio" and re.search(r"\bна\s*$", text[max(0, n.start - 6) : n.start], re.I):
            continue  # "увеличилась на 5,3 тыс. человек", "на 1,2%": a change, not a level
        code = hit.code
        if n.unit == "KZT" or code == "wage":
            if n.unit != "KZT" or not has_wage:
                continue
            code = "wage"
        elif n.unit == "ratio":
            if code != "departures":
                continue
            code = "departures_growth_ratio"
        elif n.percent:
            code = {"population_urban": "population_urban_share", "population_rural": "population_rural_share"}.get(code, code)
            if UNITS.get(code) != "percent":
                continue
        else:
            if code not in PERSON_INDICATORS:
                continue
        if code == "labour_emigration":
            c_countries = [c for c in countries if ca <= c.start < cb]
            if not (work_context or c_countries):
                continue

        value = n.value
        negative_words = hit.sign < 0 or re.search(r"минус\s*$", text[max(0, n.start - 8) : n.start], re.I) or (
            # "сальдо ... сложилось отрицательным и составило 6 946"
            re.search(r"отрицательн|\bубыл[ьи]\b", text[hit.start : n.start], re.I))
        if negative_words and value > 0:
            if code in ("natural_increase", "net_migration"):
                value = -value

        # --- period
        if code == "departures_growth_ratio":
            cands = [p for p in s_periods if p.kind == "abs" and not p.comparative] or [p for p in s_periods if p.kind == "abs"]
            period = max((p.value for p in cands), key=periods.period_end) if cands else None
        else:
            # within the clause a comparison base counts ("чем в 2023 году (46 тыс. человек)");
            # carried from other clauses it does not
            in_clause = [p for p in s_periods if ca <= p.start < n.num_start]
            p = in_clause[-1] if in_clause else _nearest([p for p in s_periods if not p.comparative], n.num_start, sa, sb)
            period = _resolve_period(p, all_periods, state) if p else None
            if period is None and code != "wage":
                period = _carried_period(code, state)

        # --- region, country, occupation
        strong = [m for m in regions if m.strong]
        rm = _nearest([m for m in strong if ca <= m.start < cb], n.num_start, ca, cb) or _nearest(strong, n.num_start, sa, sb)
        region = rm.code if rm else None
        if region is None:
            weak = [m for m in regions if not m.strong]
            region = weak[0].code if weak else (state.region or "KZ")
        country = occupation = None
        if code in ("wage", "labour_emigration"):
            c = [m for m in countries if ca <= m.start < cb]
            cm = _after_first(c, n.num_start) if code == "labour_emigration" else _nearest(c, n.num_start, ca, cb)
            if cm is None and (code == "wage" or i > 0):
                before = [m for m in countries if m.start < n.num_start]
                cm = before[-1] if before else None
            country = cm.code if cm else None
            o = [m for m in occupations if ca <= m.start < cb]
            om = _nearest(o, n.num_start, ca, cb)
            occupation = om.code if om else None
            if code == "wage" and country:
                region = None  # an offer abroad belongs to no Kazakh region

        if code == "wage":
            nxt = sent_nums[i + 1] if i + 1 < len(sent_nums) else None
            if i in used_as_range_low:
                codes = ["wage_offer_max"]
            elif nxt is not None and nxt.unit == "KZT" and re.fullmatch(r"\s*(?:до|[-–—])\s*", text[n.num_end : nxt.num_start]):
                codes = ["wage_offer_min"]
                used_as_range_low.add(i + 1)
            elif re.search(r"\bот\s*$", text[max(0, n.start - 4) : n.start]):
                codes = ["wage_offer_min"]
            elif re.search(r"\bдо\s*$", text[max(0, n.start - 4) : n.start]):
                codes = ["wage_offer_max"]
            else:
                codes = ["wage_offer_min", "wage_offer_max"]
        else:
            codes = [code]
        for c in codes:
            out.append(RawFigure(c, value, UNITS[c], period, region, country, occupation, n.precision, clean, n.num_start))

    # what this sentence established carries on
    strong = [m for m in regions if m.strong]
    if strong:
        state.region = strong[-1].code
    abs_p = [p for p in s_periods if p.kind == "abs" and not p.comparative]
    if abs_p:
        state.period = abs_p[-1].value
    state.sentence_period = abs_p[-1].value if abs_p else None
    return out


def _carried_period(code: str, state: DocState) -> str | None:
    """A sentence without a period inherits the previous sentence's (same paragraph) when the
    kind fits: stocks take dates, flows take years and month intervals."""
    p = state.sentence_period
    if not p:
        return None
    is_date = bool(re.fullmatch(r"\d{4}-\d\d-\d\d", p))
    stock = code.startswith("population")
    return p if is_date == stock else None


def _after_first(items, pos):
    """Destination after the number ("3 000 - в ОАЭ"), else the one before it in the clause."""
    after = [x for x in items if x.start >= pos]
    if after:
        return after[0]
    return items[-1] if items else None


def figures_in_text(text: str, state: DocState | None = None) -> list[RawFigure]:
    """Figures of plain text (paragraphs separated by blank lines; single newlines are line
    breaks inside a paragraph). For tests and for text that did not come from a PDF."""
    from .layout import Line, Segment, _append
    from .numbers import normalise_spaces

    state = state or DocState()
    out: list[RawFigure] = []
    for para in re.split(r"\n\s*\n", normalise_spaces(text)):
        seg = Segment("", [])
        for ln in para.split("\n"):
            if ln.strip():
                _append(seg, Line(1, 0.0, 0.0, 0.0, 12.0, "", ln.strip()))
        if seg.text:
            out += extract_segment(seg.text, state)
    return out
