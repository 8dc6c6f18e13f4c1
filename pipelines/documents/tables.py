"""Bureau tables: region rows x period (or indicator) columns.

The caption above the table names the indicator and the unit ("Численность населения на
начало года, тыс. человек"); the header row gives periods (years) or indicators; the first
column gives territories, read through pipelines.reference.region_for_label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipelines import reference

from . import entities, indicators, periods
from .layout import Line
from .numbers import normalise_spaces, parse_cell
from .prose import UNITS


@dataclass
class TableFigure:
    indicator: str
    value: Decimal
    unit: str
    period: str | None
    region: str | None
    precision: Decimal
    text: str
    page: int
    top: float


def _clean(s: str | None) -> str:
    s = normalise_spaces(s or "")
    s = re.sub(r"(?<=[А-Яа-яЁё])-\n(?=[А-ЯЁ])", "-", s)
    s = re.sub(r"(?<=[а-яё])-\n(?=[а-яё])", "", s)
    return re.sub(r"\s+", " ", s).strip()


def _multiplier(text: str) -> tuple[int, str | None]:
    t = text.lower()
    if re.search(r"\bтыс\w*\.?\s*(?:человек|чел|тенге)", t):
        return 1000, None
    if re.search(r"\bмлн\.?\s*(?:человек|чел|тенге)", t):
        return 10**6, None
    if "%" in t or "процент" in t:
        return 1, "percent"
    return 1, None


_YEAR_CELL = re.compile(r"^(?:на\s+(?:начало\s+)?)?((?:19|20)\d\d)\s*(?:г\.?|год[а-я]*)?\.?\s*(\d\))?$", re.I)


def _column_period(header: str, at_start: bool) -> str | None:
    m = _YEAR_CELL.match(header)
    if m:
        return f"{m.group(1)}-01-01" if at_start else m.group(1)
    ps = [p for p in periods.find_periods(header) if p.kind == "abs"]
    if ps:
        v = ps[0].value
        return f"{v}-01-01" if at_start and re.fullmatch(r"\d{4}", v) else v
    return None


def caption_above(lines: list[Line], top: float, page: int) -> str:
    """The text block right above a table (its title), at most a few lines."""
    above = [ln for ln in lines if ln.page == page and ln.bottom <= top + 1]
    if not above:
        return ""
    above.sort(key=lambda ln: ln.top)
    picked = [above[-1]]
    for ln in reversed(above[:-1]):
        if picked[0].top - ln.bottom > 0.9 * ln.size or len(picked) >= 4:
            break
        picked.insert(0, ln)
    if top - picked[-1].bottom > 120:  # too far away to be this table's title
        return ""
    return " ".join(ln.text for ln in picked)


def extract_table(rows: list[list[str | None]], caption: str, page: int, row_tops: list[float],
                  doc_region: str | None) -> list[TableFigure]:
    rows = [[_clean(c) for c in r] for r in rows]
    if not rows or max(len(r) for r in rows) < 2:
        return []
    # Title rows inside the table (one filled cell spanning the width) join the caption.
    while rows and sum(1 for c in rows[0] if c) == 1 and not parse_cell(rows[0][0]) and not _column_period(rows[0][0], False):
        caption = (caption + " " + rows[0][0]).strip()
        rows, row_tops = rows[1:], row_tops[1:]
    if not rows:
        return []
    context = caption + " " + " ".join(c for c in rows[0] if c)
    cap_indicator, cap_sign = indicators.indicator_for_caption(caption)
    mult, unit_hint = _multiplier(context)
    at_start = bool(re.search(r"на\s+начал|на\s+1\s+январ", context, re.I)) or (
        cap_indicator is not None and reference.indicators().get(cap_indicator, {}).get("period_form") == "date")
    cap_periods = [p for p in periods.find_periods(caption) if p.kind == "abs"]
    cap_period = cap_periods[-1].value if cap_periods else None
    cap_region = entities.resolve_region(caption) or doc_region

    # header: the first row whose cells (after the label column) are periods or indicators
    col_period: dict[int, str] = {}
    col_indicator: dict[int, str] = {}
    body_start = 0
    for hi, row in enumerate(rows[:3]):
        for j, cell in enumerate(row[1:], start=1):
            if not cell:
                continue
            p = _column_period(cell, at_start)
            if p:
                col_period[j] = p
                continue
            code, _ = indicators.indicator_for_caption(cell)
            if code:
                col_indicator[j] = code
        if col_period or col_indicator:
            body_start = hi + 1
            break
    header = rows[body_start - 1] if body_start else [""] * len(rows[0])

    out: list[TableFigure] = []
    for r, row in enumerate(rows[body_start:], start=body_start):
        if not row or not row[0]:
            continue
        label = row[0]
        region = reference.region_for_label(label)
        row_indicator = None
        if region is None:
            row_indicator, _ = indicators.indicator_for_caption(label)
            if row_indicator is None:
                continue  # a district, a note, "в том числе"
            region = cap_region or "KZ"
        for j, cell in enumerate(row[1:], start=1):
            parsed = parse_cell(cell)
            if parsed is None:
                continue
            value, precision, written = parsed
            code = col_indicator.get(j) or row_indicator or cap_indicator
            if code is None or code == "wage":
                continue
            period = col_period.get(j) or cap_period
            unit = UNITS.get(code, "persons")
            if unit_hint == "percent":
                code = {"population_urban": "population_urban_share", "population_rural": "population_rural_share"}.get(code, code)
                unit = UNITS.get(code)
                if unit != "percent":
                    continue
            value, precision = value * mult, precision * mult
            if cap_sign < 0 and value > 0 and code in ("natural_increase", "net_migration") and not col_indicator:
                value = -value
            head = header[j] if j < len(header) else ""
            text = f"{caption} | {label} | {head}: {written}".strip(" |")
            out.append(TableFigure(code, value, unit, period, region, precision, text, page, row_tops[r] if r < len(row_tops) else 0.0))
    return out


def page_tables(page):
    """pdfplumber tables of a page: ruled tables first; whitespace-aligned ones are not
    attempted (too easily confused with multi-column prose)."""
    try:
        return page.find_tables()
    except Exception:  # a malformed drawing must not sink the page's prose
        return []


def table_rows(table) -> tuple[list[list[str | None]], list[float]]:
    rows = table.extract()
    tops = [r.bbox[1] if getattr(r, "bbox", None) else table.bbox[1] for r in table.rows]
    return rows, tops
