"""Charts: the data labels of a column or bar chart read as the cells of a table.

A chart's body is a run of lines that hold only numbers (data labels, axis ticks) closed by
its category axis (a line of short labels or years spaced along it) - a column chart - or a run
of lines that each hold a label and one number - a bar chart. The title above it is the table's
caption (its unit, period and indicator), without a line about the axis scale. Each data label
belongs to the category nearest to it along the axis; axis ticks (an aligned run of numbers
beside the categories, or a line of evenly spaced numbers under the bars) are no figures. What
comes out is a `tables.Table`, so a chart is interpreted like any other table.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import lexicon
from .layout import Cell, Line, cells_of
from .numbers import parse_cell
from .tables import Column, Row, Table, ends_sentence, is_caption

# Lines of a chart's body may stand this far apart (in line heights): bars are tall.
BODY_GAP = 7.0
# A category label is at most this long (characters); a title line at least this long.
LABEL_MAX = 28
_YEAR = re.compile(r"^(?:19|20)\d\d(?:\s*г\.?)?$")


def _kind(cells: list[Cell]) -> str:
    values = [c for c in cells if parse_cell(c.text) is not None and not _YEAR.match(c.text.strip())]
    texts = [c for c in cells if c not in values]
    if cells and not texts:
        return "num"
    words = [w for c in texts for w in c.words]
    if (
        not values
        and len(words) >= 2
        and all(len(w.text) <= LABEL_MAX for w in words)
        and not any(re.search(r"[.:;]$", c.text) for c in texts)
    ):
        return "axis"  # category labels, set apart or close together
    if len(texts) == 1 and len(values) == 1 and texts[0].x1 < values[0].x0 and len(texts[0].text) <= LABEL_MAX:
        return "bar"
    return "other"


def find_charts(lines: list[Line], page: int) -> tuple[list[Table], set[int]]:
    """Charts among a region's lines (tables already taken out); the ids of the lines they use."""
    cells = [cells_of(ln.words) for ln in lines]
    kinds = [_kind(c) for c in cells]
    out: list[Table] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if kinds[i] not in ("num", "bar"):
            i += 1
            continue
        j = i
        while (
            j + 1 < len(lines)
            and kinds[j + 1] in ("num", "bar", "axis")
            and lines[j + 1].top - lines[j].bottom <= BODY_GAP * lines[j].size
            and kinds[j] != "axis"
        ):
            j += 1
        chart = _chart(lines, cells, kinds, i, j, page)
        if chart is not None:
            table, first = chart
            out.append(table)
            used |= {id(ln) for ln in lines[first : j + 1]}
        i = j + 1
    return out, used


def _chart(lines, cells, kinds, i: int, j: int, page: int) -> tuple[Table, int] | None:
    body = kinds[i : j + 1]
    if kinds[j] == "axis" and body.count("num") >= 1 and "bar" not in body:
        rows, columns = _columns_chart(cells[i:j], cells[j])
    elif body.count("bar") >= 2 and _ragged([cells[k] for k in range(i, j + 1) if kinds[k] == "bar"]):
        rows, columns = _bar_chart([cells[k] for k in range(i, j + 1) if kinds[k] == "bar"])
    else:
        return None
    if len(rows) < 2:
        return None
    title, first = _title(lines, cells, i)
    if not title:
        return None  # numbers with no title over them: no unit, period or indicator to give them
    top = lines[first].top
    t = Table(page, top, lines[j].bottom, columns[0].x0, columns[-1].x1, title, "", columns, rows)
    return t, first


def _ragged(bar_lines: list[list[Cell]]) -> bool:
    """Labels at the ends of bars stand at different places; a table's values line up."""
    ends = [max(c.x1 for c in cs) for cs in bar_lines]
    size = max(c.size for cs in bar_lines for c in cs)
    return max(ends) - min(ends) > 2 * size


def _columns_chart(value_lines: list[list[Cell]], axis: list[Cell]) -> tuple[list[Row], list[Column]]:
    values = [c for line in value_lines for c in line if parse_cell(c.text) is not None]
    words = sorted((w for c in axis for w in c.words), key=lambda w: w.x0)
    ticks = _ticks(values, words[0].x0 - 0.5 * (words[0].x1 - words[0].x0))
    labels = [v for v in values if id(v) not in ticks]
    if not labels:
        return [], []
    if len(axis) >= len({round(v.mid) for v in labels}):
        cats = sorted(axis, key=lambda c: c.x0)  # the axis's own cells, one per category
    else:
        # long labels set close together: each word of the axis to the data label nearest above it
        groups: dict[int, list] = {}
        for w in words:
            groups.setdefault(min(range(len(labels)), key=lambda n: abs(labels[n].mid - w.mid)), []).append(w)
        cats = sorted((Cell(ws) for ws in groups.values()), key=lambda c: c.x0)
    columns = [Column(cats[0].x0 - 1, cats[0].x0 - 0.5, [])]
    columns += [Column(c.x0, c.x1, [c.text]) for c in cats]
    rows = []
    for v in labels:
        k = min(range(len(cats)), key=lambda n: abs(cats[n].mid - v.mid))
        cat = cats[k]
        boxed = Cell([replace(w, x0=cat.x0, x1=cat.x1) for w in v.words[:1]])
        boxed.words[0].text = v.text
        rows.append(Row(v.top, [boxed], "data"))
    rows.sort(key=lambda r: (r.top, r.cells[0].x0))
    return rows, columns


def _ticks(values: list[Cell], left: float) -> set[int]:
    """Axis ticks: numbers left of the first category, or a column of three or more aligned
    numbers in even steps."""
    out = {id(v) for v in values if v.x1 < left}
    by_edge: dict[int, list[Cell]] = {}
    for v in values:
        by_edge.setdefault(round(v.x1 / 3), []).append(v)
    for col in by_edge.values():
        parsed = [parse_cell(v.text) for v in col]
        nums = sorted(float(p[0]) for p in parsed)
        steps = [b - a for a, b in zip(nums, nums[1:])]
        unit = max(float(p[1]) for p in parsed)  # ticks are rounded to their last digit
        if len(col) >= 3 and steps and max(steps) - min(steps) <= unit + 1e-9 and min(steps) > 0:
            out |= {id(v) for v in col}
    return out


def _bar_chart(bar_lines: list[list[Cell]]) -> tuple[list[Row], list[Column]]:
    labels = [next(c for c in cs if parse_cell(c.text) is None or _YEAR.match(c.text.strip())) for cs in bar_lines]
    values = [next(c for c in cs if c not in (label,)) for cs, label in zip(bar_lines, labels)]
    x0 = min(c.x0 for c in labels)
    x1 = max(c.x1 for c in labels)
    v0, v1 = x1 + 1, max(c.x1 for c in values)
    columns = [Column(x0, x1, []), Column(v0, v1, [])]
    rows = []
    for label, v in zip(labels, values):
        boxed = Cell([replace(w, x0=v0, x1=v1) for w in v.words[:1]])
        boxed.words[0].text = v.text
        rows.append(Row(label.top, [label, boxed], "data"))
    return rows, columns


def _title(lines: list[Line], cells, i: int) -> tuple[str, int]:
    """The one or two lines right above a chart's body that name it; a line about the scale of
    an axis ("шкала — млн человек") is left out."""
    parts: list[str] = []
    first = i
    k = i - 1
    while k >= 0 and len(parts) < 3 and lines[first].top - lines[k].bottom <= BODY_GAP * lines[k].size:
        text = lines[k].text.strip()
        if ends_sentence(text) and not is_caption(text):
            break  # the end of a paragraph above the chart
        if len(cells[k]) > 2:
            break
        if not lexicon.pattern("axis_scale").search(text):
            parts.insert(0, text)
        first = k
        k -= 1
    return " ".join(parts), first
