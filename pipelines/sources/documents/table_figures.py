"""Figures from a table: every value cell, read through its column head, its row label, the
section row above it, the caption, the notes and the document's context.

The indicator comes from the most specific text that names one (column head, row label, section
row, caption, heading), the period from the column head or the row label (a year column of a
stock is its 1 January, as in the bureau's series), the region from the row label or the column
head, the unit from wherever "тыс. человек" is written. Percent columns, urban/rural splits of
flows and rows that are parts of a flow ("в т.ч. межрегиональная") give nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import context, cues, entities, periods
from .context import Scope
from .figure import FLOWS, STOCKS, Draft
from .layout import Cell
from .numbers import parse_cell
from .tables import Table, is_empty, is_value

_PERCENT = re.compile(r"%|процент|в\s+%|коэффициент|на\s+1\s?000|темп|изменени", re.I)
_TOTAL = re.compile(r"^\s*(?:всего|итого|total)\b|[–—-]\s*всего\s*$", re.I)
# rows that are parts of the flow above them
_PART = re.compile(
    r"^\W*(?:в\s+т\.\s*ч\.|в\s+том\s+числе|из\s+них|включая)|из-за\s+рубеж|за\s+рубеж|за\s+границ|"
    r"внешн|межрегион|други[хе]\s+регион|други[хе]\s+област|внутри",
    re.I,
)
_YEAR = re.compile(r"^\s*((?:19|20)\d\d)\s*(?:г\.?|год[а-яё]*)?\s*$", re.I)
# a unit stated for the table ("тыс. человек"), not a quantity ("более 1 млн человек")
_THOUSANDS = re.compile(r"(?<!\d)(?<!\d\s)(?:тыс\.?\s*(?:человек|чел|жител|тенге)|тысяч\s+человек)", re.I)
_MILLIONS = re.compile(r"(?<!\d)(?<!\d\s)млн\.?\s*(?:человек|чел|тенге)", re.I)


@lru_cache(maxsize=20_000)
def _indicators(text: str) -> list[cues.Cue]:
    if not text.strip():
        return []
    lem = cues.lemmatise(text)
    return cues.find_cues(lem)


def _pick(cs: list[cues.Cue]) -> cues.Cue | None:
    return max(cs, key=lambda c: (c.rank, -c.start)) if cs else None


def table_figures(t: Table, scope: Scope, context_text: str = "", lead: dict | None = None) -> list[Draft]:
    out: list[Draft] = []
    caption = " ".join(x for x in (t.caption,) if x)
    # a note that states a figure of its own ("…увеличилось на N тыс. человек") declares no unit
    unit_notes = "" if re.search(r"\d", t.notes) else t.notes
    everything = " ".join([t.caption, unit_notes] + [c.head for c in t.columns])
    mult = 1000 if _THOUSANDS.search(everything) else (10**6 if _MILLIONS.search(everything) else 1)
    cap_cues = _indicators(caption)
    ctx_cues = _indicators(context_text)
    # the head of the label column ("Регион (на 1 мая)") dates the table like a caption
    label_head = t.columns[0].head if t.columns else ""
    cap_periods = [
        p for p in periods.find_periods(caption + " " + label_head) if p.kind != "mask" and not p.comparative
    ]
    tscope = scope.child("para")
    context.absorb(tscope, caption)
    section = ""
    parts = False  # under "в том числе по районам:": the rows are parts of the one above
    when_cols = _period_columns(t)
    group: Cell | None = None  # the last row label naming a territory: the head of its sub-rows
    for r, row in enumerate(t.rows):
        if row.kind == "section":
            section = " ".join(c.text for c in row.cells)
            parts = bool(re.match(r"^\W*(?:в\s+том\s+числе|в\s+т\.\s*ч\.|из\s+них)", section, re.I))
            continue
        if parts:
            continue
        cells = sorted(row.cells, key=lambda c: c.x0)
        first = cells[0] if cells and not is_value(cells[0]) and not is_empty(cells[0]) else None
        head_row = group
        if first is not None and entities.region_for_label(first.text):
            group, head_row = first, None
        elif first is None or not _sub_row(first, head_row):
            head_row = None
        got: list[tuple[Draft, str]] = []
        for k, cell in enumerate(cells):
            col = t.column_of(cell)
            if not is_value(cell) or col in when_cols:
                continue
            # a year in the first column labels its row
            if k == 0 and _YEAR.match(cell.text):
                continue
            head = t.columns[col].head if col is not None else ""
            labels = [
                c
                for c in cells[:k]
                if (not is_value(c) and not is_empty(c))
                or (_YEAR.match(c.text) and c is cells[0])
                or t.column_of(c) in when_cols
            ]
            # the row's name, nearest first, and the periods written in its own column
            names = [c.text for c in reversed(labels) if t.column_of(c) not in when_cols]
            when = [c.text for c in reversed(labels) if t.column_of(c) in when_cols]
            label = names[0] if names else (labels[-1].text if labels else "")
            if not label and _TOTAL.match(section):
                label = section  # "Итого по четырём | областям": a total's label wrapped around its row
            if (_PERCENT.search(head) or _PERCENT.search(label)) and not re.search(
                r"\bдол[яиеюь]", head + " " + label, re.I
            ):
                continue  # percent changes; shares ("Доля городского населения, %") stay
            d = _cell(
                t,
                cell,
                head,
                label,
                section,
                tscope,
                cap_cues,
                ctx_cues,
                cap_periods,
                mult,
                lead,
                names[1:],
                [w for w in when if w != label],
                head_row.text if head_row is not None else "",
            )
            if d is not None:
                d.order = (r, k)
                got.append((d, head))
        out += _own_values(got)
    return out


# a column of a row's period ("Период", "Год"): its years label the row, they are no figures
_WHEN_HEAD = re.compile(r"^\W*(?:отч[её]тный\s+)?(?:период|год|дата|месяц)\W*$", re.I)
# a column quoting another source's value for the row's figure ("БНС", "по данным бюро")
_REFERENCE = re.compile(r"\bБНС\b|\bбюро\b|по\s+данным|официальн|источник", re.I)


def _period_columns(t: Table) -> set[int]:
    """Columns headed as a period whose every cell is one (a year, an ISO date or month span)."""
    out = set()
    for j, col in enumerate(t.columns):
        if not _WHEN_HEAD.match(col.head):
            continue
        filled = [c.text for row in t.rows if row.kind == "data" for c in row.cells if t.column_of(c) == j]
        if filled and all(
            _YEAR.match(x)
            or any(
                p.complete and p.kind in ("date", "interval") and p.text.strip() == x.strip()
                for p in periods.find_periods(x)
            )
            for x in filled
        ):
            out.add(j)
    return out


def _own_values(got: list[tuple[Draft, str]]) -> list[Draft]:
    """One row giving one key twice, once in a column that quotes another source (a document's
    figure beside the bureau's, to check it): the row's own figure is the other one."""
    out = []
    for d, head in got:
        key = (d.indicator, d.period, d.region, d.country)
        if _REFERENCE.search(head) and any(
            (e.indicator, e.period, e.region, e.country) == key and not _REFERENCE.search(h) for e, h in got
        ):
            continue
        out.append(d)
    return out


def _cell(
    t,
    cell,
    head,
    label,
    section,
    scope,
    cap_cues,
    ctx_cues,
    cap_periods,
    mult,
    lead,
    others: list[str] = (),
    when: list[str] = (),
    group: str = "",
) -> Draft | None:
    """`others`: the row's other label cells, nearest first; `when`: periods written in the row;
    `group`: the label of the row heading this sub-row's group."""
    parsed = parse_cell(cell.text)
    if parsed is None:
        return None
    value, precision = _scaled(parsed, head, mult)
    how: dict[str, str] = {}
    indicator = _cell_indicator(head, label, section, others, cap_cues, ctx_cues, lead, how)
    if indicator is None:
        return None
    base, split, label_cues = indicator
    # the period: column head, row label, caption, then the scopes
    period, psrc = _cell_period(head, label, when, section, scope, cap_periods)
    if base is None:
        base = _stock_named(split, period, label_cues, how)
        if base is None:
            return None
    code = _cell_code(base, split, label, label_cues, how)
    if code is None:
        return None
    fitted = _fit_period(code, period, psrc, scope)
    if fitted is None:
        return None
    period, psrc = fitted
    how["period"] = psrc or "caption"
    # region and country
    region, rsrc = _where(label, head, scope, group)
    if region is None:
        return None
    how["region"] = rsrc
    country = _cell_country(code, label, head, t, how)
    value = _signed(value, base, code)
    if value is None:
        return None
    text = " | ".join(x for x in (t.caption, label, *when, head) if x) + f": {cell.text}"
    evidence = " | ".join(x for x in (label, *when, head) if x) + f": {cell.text}"
    return Draft(
        code, value, precision, period, region, country, None, t.page, cell.top, (), text, how, evidence=evidence
    )


_SPLITS = ("population_urban", "population_rural", "population_urban_share", "population_rural_share")


def _scaled(parsed, head: str, mult):
    value, precision, written = parsed
    # a unit written in the column's own head wins over one stated for the whole table
    if _THOUSANDS.search(head):
        mult = 1000
    elif _MILLIONS.search(head):
        mult = 10**6
    elif re.search(r"\bчеловек\b|\bчел\.", head, re.I) and not re.search(r"тыс|млн", head, re.I):
        mult = 1
    elif re.search(r"%|\bпроцент", head, re.I):
        mult = 1  # a share column beside columns of thousands
    if mult != 1 and not re.search(r"тыс|млн", written, re.I):
        value, precision = value * mult, precision * mult
    return value, precision


def _cell_indicator(head, label, section, others, cap_cues, ctx_cues, lead, how):
    """(the indicator's cue or None, the urban/rural split named, the row's cues); None: no figure of ours."""
    label_core = re.sub(r"\(.*?\)", "", label) if _TOTAL.match(label) else label
    head_cues, label_cues, sect_cues = _indicators(head), _indicators(label_core), _indicators(section)
    for other in others if not label_cues else ():
        # a row named in a cell further left ("Численность населения | 2025-04-01 | 787 300")
        label_cues = _indicators(other)
        if label_cues:
            break
    if any(c.code in cues.PSEUDO for c in head_cues + label_cues):
        return None
    base = _base_cue(
        (
            ("column", head_cues),
            ("row", label_cues),
            ("row", sect_cues),
            ("caption", cap_cues),
            ("context", ctx_cues),
        ),
        lead,
        how,
    )
    split = None
    for cs in (head_cues, label_cues):
        for c in cs:
            if c.code in _SPLITS:
                split = c.code
    if split is None and re.search(r"%|\bдол[яиеюь]\b|\bпроцент", head, re.I):
        return None  # a share of a flow ("Доля, %" of the leavers by country): no indicator of ours
    if split and how.get("indicator") == "context":
        base = None  # "Городское население" in its own row names the stock; the headings above do not
    return base, split, label_cues


def _base_cue(sources, lead, how):
    for source, cs in sources:
        main = [c for c in cs if c.code not in cues.PSEUDO and c.code not in _SPLITS]
        if main:
            base, how["indicator"] = _pick(main), source
            return base
    if lead and lead.get("cue") is not None and lead["cue"].code not in cues.PSEUDO:
        base, how["indicator"] = lead["cue"], "context"
        return base
    return None


def _cell_period(head, label, when, section, scope, cap_periods):
    period, psrc = None, None
    for source, text in (("column", head), ("row", label), *(("row", w) for w in when), ("row", section)):
        bare = _YEAR.match(text)
        if bare:
            period, psrc = bare.group(1), source
            break
        ps = [p for p in periods.find_periods(text) if p.kind != "mask"]
        if not ps:
            years = re.findall(r"(?<![\d.])((?:19|20)\d\d)(?![\d.])", text)
            if len(years) == 1:  # a head "Число выбывших, человек 2023": the year of its column
                period, psrc = years[0], source
                break
        if ps:
            r = context.resolve(ps[-1], scope)
            if r:
                period, psrc = r[0], source
                ytd = any(p.kind == "ytd" for p in periods.find_periods(head + " " + label))
                if ytd and periods.is_date(period):
                    period = periods.to_date_interval(period)
                break
    if period is None and cap_periods:
        r = context.resolve(cap_periods[-1], scope)
        if r:
            period, psrc = r[0], "caption"
    return period, psrc


def _stock_named(split, period, label_cues, how):
    if split:  # "Городское население": the row or the column names the stock itself
        how["indicator"] = "row" if split in [c.code for c in label_cues] else "column"
        return cues.Cue(0, 0, "population", 1, 1)
    if period and periods.is_date(period):
        how["indicator"] = "date-column"
        return cues.Cue(0, 0, "population", 1, 1)
    return None


def _cell_code(base, split, label, label_cues, how) -> str | None:
    code = base.code
    if split:
        if code in STOCKS:
            code = split
            if "share" in split:
                how["indicator"] = "row" if split in [c.code for c in label_cues] else "column"
        elif _TOTAL.match(label) is None:
            return None  # urban/rural split of a flow: not in the vocabulary
    if code not in STOCKS and code not in FLOWS:
        return None
    part = bool(_PART.search(label)) and not _TOTAL.match(label)
    if part and code in FLOWS and how.get("indicator") != "row":
        return None  # "в т.ч. из-за рубежа", "в другие регионы": a part of the flow above it
    return code


def _fit_period(code, period, psrc, scope):
    """The period fitted to the indicator (a date for a stock, a span for a flow) and its source; None: none fits."""
    if period is None:
        if code in STOCKS:
            v, lvl = scope.find("date")
        else:
            v, lvl = scope.find("flow")
        if not v:
            return None
        period, psrc = v, lvl
    if code in STOCKS and not periods.is_date(period):
        span = periods.interval_months(period)
        if re.fullmatch(r"\d{4}", period):
            period = f"{period}-01-01"  # a year of a stock series is its 1 January
        elif span and span[1] == 1 and psrc != "column":
            # a stock in a table of January–September: counted at the period's end (1 October)
            y, m = (span[0], span[2] + 1) if span[2] < 12 else (span[0] + 1, 1)
            period = f"{y}-{m:02d}-01"
        else:
            return None
    if code not in STOCKS and periods.is_date(period):
        period = periods.to_date_interval(period)
    return period, psrc


def _cell_country(code, label, head, t, how):
    country = None
    if code in ("arrivals", "departures", "labour_emigration"):
        country = entities.country_for_label(label) or entities.country_for_label(head)
        if country:
            how["country"] = "label"
        elif t.caption and entities.country_for_label(t.caption):
            # "Выбывшие в Россию, тыс. человек": one country named over the whole table or chart
            country, how["country"] = entities.country_for_label(t.caption), "caption"
    return country


def _signed(value, base, code):
    if value < 0 and code not in ("net_migration", "natural_increase"):
        return None
    if base.sign < 0 and value > 0 and code in ("net_migration", "natural_increase"):
        value = -value
    return value


_SUBDIVISION = re.compile(
    r"\bрайон|\bг\.\s*а\.|(?:^|\s)г\.\s*[А-ЯЁ]|\bгород\b|\bпос[её]л|\bсел[оа]\b|\bаул|\bокруг", re.I
)


def _sub_row(label: Cell, head: Cell | None) -> bool:
    """A row under a territory's row that names no territory of its own ("городское население"):
    set in from the head's label, or a part of the population."""
    if head is None or entities.region_for_label(label.text):
        return False
    if label.x0 > head.x0 + 0.25 * label.size:
        return True
    codes = {c.code for c in _indicators(label.text)}
    return bool(codes & {"population_urban", "population_rural", "population_urban_share", "population_rural_share"})


def _where(label: str, head: str, scope: Scope, group: str = "") -> tuple[str | None, str]:
    for source, text in (("label", label), ("group", group), ("column", head)):
        if not text:
            continue
        code = entities.region_for_label(text)
        if code:
            return code, source
        if source == "label" and _SUBDIVISION.search(text):
            return None, "none"  # a district or a town: not a region of the vocabulary
        if any(m.kind == "place" for m in entities.find(text)) and not entities.country_for_label(text):
            if source == "label" and not _YEAR.match(text):
                return None, "none"
    v, lvl = scope.find("region")
    if _TOTAL.match(label) and lvl != "para":
        return None, "none"  # "Итого по четырём областям": the sum of the rows, not the text's region
    if v:
        return v, "caption" if lvl == "para" else lvl
    return "KZ", "default"
