"""Tables found by geometry alone, ruled or ruled only by whitespace.

A *table row* is a line with numeric cells set apart by gaps: two or more in one line, or one
that lines up with numeric cells of the lines next to it. Consecutive rows make a table body;
the short lines right above it are its header (cells assigned to the columns they stand over,
so a merged header cell spanning three columns heads all three), the line above those its
caption, the small lines right below it its notes. A body at the top of a page with no header
continues the previous page's table and takes its header and caption.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from . import lexicon
from .layout import Cell, Gutter, Line, cells_of, find_gutters
from .numbers import parse_cell
from .periods import ends_with_month

_EMPTY = re.compile(r"^(?:[-–—x…]|\.\.\.|х)$", re.I)
_YEARISH = re.compile(r"^(?:19|20)\d\d$")


@dataclass
class Column:
    x0: float
    x1: float
    header: list[str] = field(default_factory=list)  # header cells over it, top down

    @property
    def head(self) -> str:
        return " ".join(self.header)


@dataclass
class Row:
    top: float
    cells: list[Cell]
    kind: str = "data"  # data | section (a label alone, heading the rows below)


@dataclass
class Table:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    caption: str
    notes: str
    columns: list[Column]
    rows: list[Row]
    continued: bool = False

    def column_of(self, cell: Cell) -> int | None:
        best, best_ov = None, 0.0
        for j, c in enumerate(self.columns):
            ov = min(c.x1, cell.x1) - max(c.x0, cell.x0)
            if ov > best_ov:
                best, best_ov = j, ov
        return best


def is_value(cell: Cell) -> bool:
    return parse_cell(cell.text) is not None


def is_empty(cell: Cell) -> bool:
    return bool(_EMPTY.match(cell.text.strip()))


def _numeric(cell: Cell) -> bool:
    return is_value(cell) or is_empty(cell)


def _gutters_at(gutters: list[Gutter], i: int) -> list[float]:
    return [(g.x0 + g.x1) / 2 for g in gutters if g.first <= i <= g.last]


def find_tables(
    lines: list[Line],
    page: int,
    previous: Table | None = None,
    vrules: list[tuple[float, float, float, float]] = (),
    gutters: list[Gutter] | None = None,
) -> tuple[list[Table], set[int]]:
    """Tables of one region's lines (furniture removed); also the ids of the lines they use.
    `vrules` are the page's vertical borders, which give a merged header cell its true width;
    `gutters` the region's white channels when the caller has them."""
    gutters = find_gutters(lines) if gutters is None else gutters
    cells = [cells_of(ln.words, _gutters_at(gutters, i)) for i, ln in enumerate(lines)]
    rowlike = [_rowlike(i, cells) for i in range(len(lines))]
    tables: list[Table] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if not rowlike[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and _continues(lines, cells, rowlike, j):
            j += 1
        t = _build(lines, cells, gutters, i, j, page, previous, vrules, used)
        if t is not None:
            tables.append(t)
            previous = t
            used |= {id(lines[k]) for k in range(t._first, t._last + 1)}  # type: ignore[attr-defined]
        i = j + 1
    return tables, used


def _rowlike(i: int, cells: list[list[Cell]]) -> bool:
    row = cells[i]
    values = [c for c in row if is_value(c)]
    numeric = [c for c in row if _numeric(c)]
    if len(row) < 2 or not values:
        return False
    if len(numeric) >= 2 and len(numeric) >= len(row) - 2:
        return True
    # one value: a table only when the lines next to it have values in the same column
    for k in (i - 1, i + 1):
        if 0 <= k < len(cells):
            for c in values:
                if any(is_value(d) and min(c.x1, d.x1) - max(c.x0, d.x0) > -0.5 * c.size for d in cells[k]):
                    if len(cells[k]) >= 2:
                        return True
    return False


def _continues(lines: list[Line], cells, rowlike, j: int) -> bool:
    """Line j+1 belongs to the body that line j is in: a row, or a section label between rows."""
    a, b = lines[j], lines[j + 1]
    if b.top - a.bottom > 1.6 * a.size:
        return False
    if rowlike[j + 1]:
        return True
    # a label-only line (a section row, a wrapped label) followed by more rows
    if j + 2 < len(lines) and rowlike[j + 2] and len(cells[j + 1]) <= 2 and len(b.text) < 60:
        return lines[j + 2].top - b.bottom <= 1.6 * b.size
    return False


def _build(
    lines, cells, gutters, first: int, last: int, page: int, previous: Table | None, vrules, used: set[int]
) -> Table | None:
    last = _footnote_pushed_label(lines, cells, last)
    first, last = _wrapped_label_lines(lines, cells, first, last, used)
    got = _body(cells, first, last)
    if got is None:
        return None
    body, header_years = got
    columns = _columns([c for _, r in body for c in r])
    x0 = min(c.x0 for c in columns)
    x1 = max(c.x1 for c in columns)
    size = statistics.median(lines[k].size for k, _ in body)

    # header lines above: short cells within the table's width, close together
    above = _Above([header_years] if header_years else [], [], first)
    k = first - 1
    while k >= 0 and first - k <= 8 and _head_line(above, k, lines, cells, columns, (x0, x1), size, vrules, used):
        above.top_k = k
        k -= 1
    head_lines, caption_lines, top_k = above.head_lines, above.caption_lines, above.top_k
    _join_wrapped_caption(caption_lines, head_lines, header_years)
    said_continued = _said_continued(caption_lines, head_lines)
    notes = _notes_below(lines, cells, last, size)
    n_notes = len(notes)

    # the borders of this table: rules that start and end with it (not a rule between a page's
    # text columns running past it)
    head_top = min((c.top for row in head_lines for c in row), default=lines[first].top)
    own_rules = [r for r in vrules if r[1] >= head_top - 2 * size and r[3] <= lines[last].bottom + 2 * size]
    _assign_heads(head_lines, columns, own_rules)
    rows = _rows(body, lines, size)
    continued = False
    if (
        not head_lines
        and not caption_lines
        and previous is not None
        and previous.page in (page - 1, page - 2)
        and (len(previous.columns) == len(columns) or said_continued)
    ):
        for col, pc in zip(columns, _matching(columns, previous.columns)):
            col.header = list(pc.header)
        caption_lines = [previous.caption]
        notes = notes or [previous.notes]
        continued = True
    if caption_lines and re.match(r"^\s*(?:рис(?:унок|\.)|диаграмм|график|схем)", caption_lines[0], re.I):
        return None  # the data labels of a chart, not a table
    t = Table(
        page,
        lines[top_k].top,
        lines[last].bottom,
        x0,
        x1,
        " ".join(caption_lines).strip(),
        " ".join(notes).strip(),
        columns,
        rows,
        continued,
    )
    t._first, t._last = top_k, last + n_notes  # type: ignore[attr-defined]
    return t


def _inside(row: list[Cell]) -> list[Cell]:
    return row


def _footnote_pushed_label(lines, cells, last: int) -> int:
    # a label pushed below its row by a raised footnote mark ("г. Нур-Султан ²⁾") closes the body
    if (
        last + 1 < len(lines)
        and len(cells[last + 1]) == 1
        and not is_value(cells[last + 1][0])
        and lines[last + 1].top - lines[last].bottom < 0.5 * lines[last].size
        and any(_MARK.match(c.text.strip()) for c in cells[last])
    ):
        last += 1
    return last


def _body(cells, first: int, last: int) -> tuple[list[tuple[int, list[Cell]]], list[Cell]] | None:
    """The body's rows (line index, cells) and a header line of years over it; None: no table."""
    body = [(k, _inside(cells[k])) for k in range(first, last + 1)]
    body = [(k, r) for k, r in body if r]
    value_rows = [r for _, r in body if any(is_value(c) for c in r)]
    if not value_rows:
        return None
    if len(value_rows) == 1 and sum(is_value(c) for c in value_rows[0]) < 2:
        return None
    if all(_years_only(r) for r in value_rows):
        return None  # a line of years over a table whose rows start below a wrapped label: its header
    # a first line of bare years over value rows is a header, not data
    header_years: list[Cell] = []
    if (
        len(body) > 1
        and all(_YEARISH.match(c.text) or not is_value(c) for c in body[0][1])
        and sum(bool(_YEARISH.match(c.text)) for c in body[0][1]) >= 2
    ):
        header_years = body[0][1]
        body = body[1:]
    body = [(k, r) for k, r in body if not _column_numbers(r)]
    if not body:
        return None
    return body, header_years


@dataclass
class _Above:
    """What the lines above a table's body give it, and the topmost line taken."""

    head_lines: list[list[Cell]]
    caption_lines: list[str]
    top_k: int


def _head_line(above: _Above, k: int, lines, cells, columns, span, size, vrules, used) -> bool:
    """Take line k above the body as a header or caption line; False: the head ends here."""
    x0, x1 = span
    ln = lines[k]
    if id(ln) in used:
        return False
    row = [c for c in _inside(cells[k]) if c.x1 > x0 - 2 * size and c.x0 < x1 + 2 * size]
    gap = lines[above.top_k].top - ln.bottom
    if is_caption(ln.text) and gap <= CAPTION_GAP * size:
        # a numbered or titled caption, however the table's gutters cut it, may stand a
        # blank line or two above its table
        above.caption_lines.insert(0, ln.text)
        above.top_k = k
        return False
    if _not_head(ln, row, gap, size):
        return False
    titled = bool(re.match(r"^табл", row[0].text, re.I))
    yc = (ln.top + ln.bottom) / 2
    ruled = sum(1 for r in vrules if r[1] - 1 <= yc <= r[3] + 1 and x0 - 5 <= (r[0] + r[2]) / 2 <= x1 + 5) >= 2
    if ruled:  # inside the table's borders: a header line, however long its cells
        above.head_lines.insert(0, row)
        return True
    wide = len(row) == 1 and (row[0].x1 - row[0].x0) > 0.55 * (x1 - x0) and len(row[0].text) > 25
    if _paragraph_above(row, titled, wide, lines, cells, k):
        return False
    if wide or titled:
        above.caption_lines.insert(0, " ".join(c.text for c in row))
        above.top_k = k
        # a caption may wrap: take the lines of its block above
        _wrapped_caption(above, k - 1, lines, cells, size)
        return False
    if (
        len(row) == 1
        and not _over(row[0], columns)
        and not any(r[1] - 1 <= (row[0].top + row[0].bottom) / 2 <= r[3] + 1 for r in vrules)
    ):
        # one line over the whole table, standing over no column in particular: its title
        above.caption_lines.insert(0, row[0].text)
    else:
        above.head_lines.insert(0, row)
    return True


def _not_head(ln, row: list[Cell], gap: float, size: float) -> bool:
    """The line above is too far, ends a paragraph, or is a row of values."""
    if gap > 1.8 * size:
        return True
    if (
        _SENTENCE_END.search(ln.text.rstrip())
        and not re.match(r"^табл", ln.text, re.I)
        and not ends_with_month(ln.text)
    ):
        return True  # the last line of a paragraph above the table, not a head
    if not row or (sum(is_value(c) and len(c.text) > 1 for c in row) >= 2 and not _years_only(row)):
        return True  # a row of values: another table, or this one's data
    return False


def _paragraph_above(row: list[Cell], titled: bool, wide: bool, lines, cells, k: int) -> bool:
    if wide and not titled and re.search(r"(?:[а-яёa-zәғқңөұүһі]{4}|\d{3}|\d\))[.;!?]$", row[0].text.rstrip(), re.I):
        return True  # the end of a paragraph above the table
    return not titled and not wide and _prose(row, lines, cells, k)


def _wrapped_caption(above: _Above, k: int, lines, cells, size: float) -> None:
    while k >= 0 and len(above.caption_lines) < 3:
        prev = _inside(cells[k])
        if not prev or lines[above.top_k].top - lines[k].bottom > 0.8 * size or len(prev) != 1:
            break
        if prev[0].text.rstrip().endswith((".", ":")) and not re.match(r"^табл", prev[0].text, re.I):
            break
        above.caption_lines.insert(0, prev[0].text)
        above.top_k = k
        k -= 1


def _join_wrapped_caption(caption_lines: list[str], head_lines: list[list[Cell]], header_years: list[Cell]) -> None:
    # a caption wrapped onto a short line of its own ("…назначения, январь– / сентябрь 2023 г.")
    while (
        caption_lines
        and head_lines
        and len(head_lines[0]) == 1
        and head_lines[0] is not header_years
        and re.search(r"(?:[–—,-]|\bтыс\.|\bмлн\.?)$", caption_lines[-1].rstrip())
    ):
        caption_lines[-1] = (
            caption_lines[-1].rstrip()
            + ("" if caption_lines[-1].rstrip()[-1] in "–—-" else " ")
            + head_lines.pop(0)[0].text
        )


def _said_continued(caption_lines: list[str], head_lines: list[list[Cell]]) -> bool:
    # "Продолжение таблицы N" over a body on a later page: the previous table goes on
    said_continued = False
    for lines_ in (caption_lines, head_lines):
        for item in list(lines_):
            text = item if isinstance(item, str) else " ".join(c.text for c in item)
            if lexicon.pattern("table_continued").search(text):
                lines_.remove(item)
                said_continued = True
    return said_continued


def _notes_below(lines, cells, last: int, size: float) -> list[str]:
    # a unit or source note right below
    notes: list[str] = []
    k = last + 1
    while k < len(lines) and len(notes) < 3:
        row = _inside(cells[k])
        if not row or lines[k].top - lines[k - 1].bottom > 1.8 * size:
            break
        text = " ".join(c.text for c in row)
        if any(is_value(c) for c in row) or len(text) > 90:
            break
        small = lines[k].size < 0.95 * size
        if not (
            small
            or re.match(r"^(?:источник|примечани|\d\)|\*|знак|прочерк|(?:тыс\.?\s*)?человек\b|по\s+данным)", text, re.I)
        ):
            break  # running text after the table, not a note of it
        notes.append(text)
        k += 1
    return notes


def _rows(body, lines, size: float) -> list[Row]:
    rows = []
    for kk, r in body:
        kind = "data" if any(_numeric(c) for c in r) else "section"
        if _column_numbers(r):
            continue  # "А | 1 | 2 | 3": the columns' numbers, not data
        rows.append(Row(lines[kk].top, r, kind))
    _reattach_labels(rows, size)
    _join_wrapped_labels(rows, lines, size)
    return rows


_MARK = re.compile(r"^(?:\d\)|\*+|\d)$")
# A table's caption: "Таблица N.", "N. <Caption>", "N.M <Caption>"; and how far above the
# table (in line heights) it may stand.
_CAPTION = re.compile(
    r"^\s*(?:[Тт]абл\w*\.?\s*\d|\d{1,2}(?:\.\d{1,2})*\.\s*[А-ЯЁA-Z][а-яёa-z]|\d{1,2}\.\d{1,2}\s+[А-ЯЁA-Z][а-яёa-z])"
)
CAPTION_GAP = 4.0
# A line that ends a sentence: a word or a whole number, then a full stop.
_SENTENCE_END = re.compile(r"(?:[^\W\d_]{4}|\d{3})[.!?]$")
# Two words of a header line this far apart (in line heights) are two heads.
HEAD_GAP = 2.5


def ends_sentence(text: str) -> bool:
    """The text ends a sentence: a word or a whole number and a full stop, not "2023 г." or an
    abbreviated month."""
    return bool(_SENTENCE_END.search(text.rstrip())) and not ends_with_month(text)


def is_caption(text: str) -> bool:
    """A numbered or titled line that does not end a sentence."""
    return bool(_CAPTION.match(text)) and not re.search(r"[а-яёa-z]{3}[.!?]$", text.rstrip(), re.I)


def _matching(columns: list[Column], before: list[Column]) -> list[Column]:
    """The previous page's column each column continues: the same one by order when both have
    as many, else the label column first and the value columns counted from the right."""
    if len(columns) == len(before):
        return before
    return [before[0]] + [before[len(before) - (len(columns) - j)] for j in range(1, len(columns))]


def _column_numbers(cells: list[Cell]) -> bool:
    values = [c.text.strip() for c in cells if is_value(c)]
    labels = [c.text.strip() for c in cells if not is_value(c)]
    return (
        len(values) >= 2 and values == [str(i) for i in range(int(values[0]), int(values[0]) + len(values))]
        if all(v.isdigit() for v in values) and all(len(lb) <= 2 for lb in labels)
        else False
    )


def _years_only(row: list[Cell]) -> bool:
    values = [c for c in row if is_value(c)]
    return len(values) >= 2 and all(_YEARISH.match(c.text.strip()) for c in values)


def _label_zone(cells_row: list[Cell], x: float) -> bool:
    return bool(cells_row) and all(c.x1 < x - 2 and not is_value(c) for c in cells_row)


def _wrapped_label_lines(lines, cells, first: int, last: int, used: set[int]) -> tuple[int, int]:
    """A row label wrapped over several lines, set level with the middle of its row of values
    ("Рабочая сила (15 лет / и старше), человек" around "311 769 315 711 ..."): the label's lines
    just above the first row and just below the last join the body."""

    def unlabelled(k: int) -> float | None:
        row = cells[k]
        values = [c.x0 for c in row if is_value(c)]
        if (
            not values
            or _years_only(row)
            or any(not is_value(c) and not is_empty(c) and c.x1 < min(values) for c in row)
        ):
            return None
        return min(values)

    def continued(k: int) -> float | None:
        # a label whose line with the values is its middle: "лет и старше), | 311 769 ..."
        row = cells[k]
        values = [c.x0 for c in row if is_value(c)]
        labels = [c for c in row if not is_value(c) and not is_empty(c) and values and c.x1 < min(values)]
        return min(values) if labels and labels[0].text[:1].islower() else None

    x = unlabelled(first) or continued(first)
    if x is not None:
        k = first
        while (
            k - 1 >= 0
            and first - k < 3
            and id(lines[k - 1]) not in used
            and _label_zone(cells[k - 1], x)
            and lines[k].top - lines[k - 1].bottom < 0.6 * lines[k].size
        ):
            k -= 1
        first = k if k < first and (_below_too(lines, cells, first, x) or continued(first)) else first
    x = unlabelled(last) or continued(last)
    if x is not None:
        k = last
        while (
            k + 1 < len(lines)
            and k - last < 3
            and _label_zone(cells[k + 1], x)
            and (unlabelled(last) or cells[k + 1][0].text[:1].islower())
            and lines[k + 1].top - lines[k].bottom < 0.6 * lines[k].size
        ):
            k += 1
        last = k
    return first, last


def _below_too(lines, cells, last: int, x: float) -> bool:
    return (
        last + 1 < len(lines)
        and _label_zone(cells[last + 1], x)
        and lines[last + 1].top - lines[last].bottom < 0.6 * lines[last].size
    )


def _join_wrapped_labels(rows: list[Row], lines, size: float) -> None:
    """A data row with no label between label-only lines set tight above and below it takes
    them as its label ("Итого по четырём / 2 034,7 ... / областям")."""
    for i, row in enumerate(rows):
        if row.kind != "data":
            continue
        values = [c.x0 for c in row.cells if is_value(c)]
        if not values:
            continue
        x = min(values)
        own = [c for c in row.cells if not is_value(c) and not is_empty(c) and c.x1 < x]
        if own and not own[0].text[:1].islower():
            continue  # labelled, and not the middle of a wrapped label
        above, below = [], []
        j = i - 1
        while (
            j >= 0
            and rows[j].kind == "section"
            and _label_zone(rows[j].cells, x)
            and (above[0].top if above else row.top) - rows[j].top < 1.3 * size
        ):
            above.insert(0, rows[j])
            j -= 1
        j = i + 1
        while (
            j < len(rows)
            and rows[j].kind == "section"
            and _label_zone(rows[j].cells, x)
            and rows[j].top - (below[-1].top if below else row.top) < 1.3 * size
        ):
            below.append(rows[j])
            j += 1
        if above and (below or own) and not above[-1].cells[-1].text.rstrip().endswith(":"):
            words = (
                [w for r in above for c in r.cells for w in c.words]
                + [w for c in own for w in c.words]
                + [w for r in below for c in r.cells for w in c.words]
            )
            row.cells = [Cell(words)] + [c for c in row.cells if c not in own]
            for r in above + below:
                r.kind = "merged"
    rows[:] = [r for r in rows if r.kind != "merged"]


def _reattach_labels(rows: list[Row], size: float) -> None:
    """A label set apart from its numbers by a raised footnote mark ("ВКО ¹⁾" read as a row of
    numbers labelled "1)" and a row "ВКО" just below): the label goes back to its row."""
    for i, row in enumerate(rows):
        if row.kind != "data":
            continue
        first_value = min((d.x0 for d in row.cells if is_value(d) and not _MARK.match(d.text.strip())), default=0)
        marks = [c for c in row.cells if _MARK.match(c.text.strip()) and c.x0 < first_value]
        labels = [c for c in row.cells if not is_value(c) and not is_empty(c) and c not in marks]
        if labels or not marks:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(rows) and rows[j].kind == "section" and abs(rows[j].top - row.top) < 1.2 * size:
                row.cells = [c for c in row.cells if c not in marks] + rows[j].cells
                row.cells.sort(key=lambda c: c.x0)
                rows[j].kind = "merged"
                break
    rows[:] = [r for r in rows if r.kind != "merged"]


def _split_heads(row: list[Cell], columns: list[Column], vrules) -> list[Cell]:
    """A header cell whose words stand over different columns, with a border or a column gap
    between them, is several heads ("прибыло выбыло" over two columns)."""
    out: list[Cell] = []
    x0, x1 = columns[0].x0 - 5, columns[-1].x1 + 5
    for c in row:
        yc = (c.top + c.bottom) / 2
        # borders of this table at this line (a rule between a newspaper's columns is not one)
        bordered = any(x0 < (r[0] + r[2]) / 2 < x1 and r[1] - 1 <= yc <= r[3] + 1 for r in vrules)
        parts = [[c.words[0]]]
        for a, b in zip(c.words, c.words[1:]):
            y = (a.top + a.bottom) / 2
            ruled = any(a.x1 - 1 <= (r[0] + r[2]) / 2 <= b.x0 + 1 and r[1] - 1 <= y <= r[3] + 1 for r in vrules)
            ca, cb = _over(a, columns), _over(b, columns)
            # words set a space apart read on ("Численность населения, тыс." over three columns)
            spaced = b.x0 - a.x1 > 0.6 * (a.bottom - a.top)
            # and words far apart are two heads even when one stands over no column's numbers
            # (a head centred over right-aligned values)
            far = b.x0 - a.x1 > HEAD_GAP * (a.bottom - a.top)
            apart = bool(not bordered and ((ca and cb and ca != cb and spaced) or far))
            if ruled or apart:
                parts.append([b])
            else:
                parts[-1].append(b)
        out += [Cell(p) for p in parts]
    return out


def _over(w, columns: list[Column]) -> list[int]:
    """The column a header word stands over: the one its middle is in, else the one it overlaps
    most (a head set right over right-aligned numbers: "население" over "2 841")."""
    mid = [j for j, col in enumerate(columns) if col.x0 - 2 <= w.mid <= col.x1 + 2]
    if mid:
        return mid
    ov = [(min(w.x1, col.x1) - max(w.x0, col.x0), j) for j, col in enumerate(columns)]
    best = max(ov, default=(0, None))
    return [best[1]] if best[0] > 0.3 * (w.x1 - w.x0) else []


def _assign_heads(head_lines: list[list[Cell]], columns: list[Column], vrules) -> None:
    """Header cells to the columns they stand over, from the line nearest the body up. Numbers
    are set right and heads centred, so a column's reach widens by the head found under it,
    and a group head ("Доля городского населения, %") spans the reaches of the columns below;
    a head over no column's numbers (a year centred over a narrow column) takes the nearest.
    A head wrapped onto a line of its own ("Доля городского / населения, %": the lower part
    starts in lower case) heads the columns of both parts."""
    reach = [[col.x0, col.x1] for col in columns]
    heads: list[list[tuple[Cell, set[int]]]] = []
    for row in reversed(head_lines):
        got: list[tuple[Cell, set[int]]] = []
        for c in _split_heads(row, columns, vrules):
            a, b = _span(c, vrules)
            hits = {j for j, (x0, x1) in enumerate(reach) if _overlaps(a, b, x0, x1)}
            if not hits:
                hits = {min(range(len(columns)), key=lambda j: abs((reach[j][0] + reach[j][1]) / 2 - (a + b) / 2))}
            got.append((c, hits))
        for c, hits in got:
            if len(hits) == 1:
                j = next(iter(hits))
                a, b = _span(c, vrules)
                reach[j] = [min(reach[j][0], a), max(reach[j][1], b)]
        heads.insert(0, got)

    def under(u: Cell, c: Cell) -> bool:
        # by the cells' borders where drawn: a group head's cell covers every sub-head under it
        (ua, ub), (ca, cb) = _span(u, vrules), _span(c, vrules)
        return min(ub, cb) - max(ua, ca) > 0

    for upper, lower in zip(heads, heads[1:]):
        for u, uhits in upper:
            below = [(c, hits) for c, hits in lower if under(u, c)]
            # one lower-case line under it is its continuation; several heads under it are its parts
            if len(below) == 1 and below[0][0].text[:1].islower():
                both = below[0][1] | uhits
                below[0][1].update(both)
                uhits.update(both)
    for got in heads:
        texts: list[list[str]] = [[] for _ in columns]
        for c, hits in got:
            for j in sorted(hits):
                texts[j].append(c.text)
        for col, ts in zip(columns, texts):
            col.header += ts


def _overlaps(a: float, b: float, x0: float, x1: float) -> bool:
    ov = min(b, x1) - max(a, x0)
    return ov > 0.2 * min(b - a, x1 - x0) or x0 <= (a + b) / 2 <= x1


def _span(c: Cell, vrules) -> tuple[float, float]:
    """A header cell's width: between the borders left and right of it, else its text."""
    y = (c.top + c.bottom) / 2
    xs = [(r[0] + r[2]) / 2 for r in vrules if r[1] - 1 <= y <= r[3] + 1]
    left = [x for x in xs if x <= c.x0 + 1]
    right = [x for x in xs if x >= c.x1 - 1]
    if left and right:
        return max(left), min(right)
    return c.x0, c.x1


def _prose(row: list[Cell], lines: list[Line], cells, k: int) -> bool:
    """A line of running text (a paragraph or a sidebar next to the table), not a header."""
    for c in row:
        words = c.text.split()
        if re.search(r"[а-яёa-zәғқңөұүһі]{4}\.$", c.text.rstrip(), re.I) and not ends_with_month(c.text):
            return True  # header cells do not end sentences (an abbreviated month, "сент.", is no end)
        if len(words) >= 9 or (len(words) >= 4 and re.search(r"[а-яёa-z)»]{4}[.;]$", c.text.rstrip(), re.I)):
            return True
        if k > 0 and len(c.text) > 20:
            for d in cells[k - 1]:
                if abs(d.x0 - c.x0) < 1.5 and len(d.text) > 20 and lines[k].top - lines[k - 1].bottom < 0.8 * c.size:
                    return True
    return False


def _columns(cells: list[Cell]) -> list[Column]:
    """Cluster the body's cells into columns by horizontal overlap."""
    spans = sorted((c.x0, c.x1) for c in cells)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a < cols[-1][1] - 0.5:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    return [Column(a, b) for a, b in cols]
