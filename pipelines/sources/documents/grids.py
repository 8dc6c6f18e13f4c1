"""Ruled grids: tables whose every cell is a drawn rectangle.

A grid is drawn: vertical rules give its columns, rules across its width its rows, and the
words inside each rectangle are one cell, however many lines they wrap to. A grid of text
(cells that hold words around their numbers: job ads, registers) is read record by record,
each row as "head: cell; head: cell", so that the language layers see a wage with its country
and occupation, or a figure with its label. A grid of figures whose rows wrap onto several
lines is read cell by cell into a tables.Table (reading it line by line would split a label
from its value and join the numbers of neighbouring cells). Other grids of figures, one line
a row, are left to tables.py, which reads ruled and unruled tables alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import Cell, join_words, lines_of
from .numbers import parse_cell
from .pdf import Page, Word
from .tables import Column, Row, Table, is_empty, is_value


@dataclass
class Grid:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    xs: list[float]  # column boundaries
    ys: list[float]  # row boundaries
    cells: list[list[str]] = field(default_factory=list)  # rows of cell texts
    boxes: list[list[list[Word]]] = field(default_factory=list)  # rows of cell words, as `cells`
    header: list[str] = field(default_factory=list)
    words: set[int] = field(default_factory=set)  # ids of the words inside
    continued: bool = False
    kind: str = "text"  # text | figures (a grid of figures whose rows wrap)
    caption: str = ""

    def records(self) -> list[str]:
        heads = self.header or [""] * len(self.xs[:-1])
        out = []
        for row in self.cells:
            parts = [f"{h}: {c}" if h else c for h, c in zip(heads, row) if c]
            if parts:
                out.append("; ".join(parts) + ".")
        return out


def _merge(segs: list[tuple[float, float, float]], tol: float = 1.6) -> list[tuple[float, float, float]]:
    """Segments (position, start, end) on one position joined where they touch."""
    out: list[list[float]] = []
    for pos, a, b in sorted(segs):
        for o in out:
            if abs(o[0] - pos) <= tol and a <= o[2] + 2 and b >= o[1] - 2:
                o[1], o[2] = min(o[1], a), max(o[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(o) for o in out]


def _distinct(xs: list[float], tol: float = 3.0) -> list[float]:
    out: list[float] = []
    for x in sorted(xs):
        if not out or x - out[-1] > tol:
            out.append(x)
    return out


def find_grids(page: Page, previous: Grid | None = None) -> list[Grid]:
    v = _merge([((r[0] + r[2]) / 2, r[1], r[3]) for r in page.rules if r[2] - r[0] < 2.5 and r[3] - r[1] > 3])
    h = _merge([((r[1] + r[3]) / 2, r[0], r[2]) for r in page.rules if r[3] - r[1] < 2.5 and r[2] - r[0] > 3])
    v = [s for s in v if s[2] - s[1] >= 15]
    groups: list[list[tuple[float, float, float]]] = []
    for s in sorted(v, key=lambda s: s[1]):
        for g in groups:
            if any(min(s[2], o[2]) - max(s[1], o[1]) > 0.5 * min(s[2] - s[1], o[2] - o[1]) for o in g):
                g.append(s)
                break
        else:
            groups.append([s])
    grids = []
    for g in groups:
        xs = _distinct([s[0] for s in g])
        if len(xs) < 3:
            continue
        top, bottom = min(s[1] for s in g), max(s[2] for s in g)
        x0, x1 = xs[0], xs[-1]
        ys = _distinct([s[0] for s in h if top - 2 <= s[0] <= bottom + 2 and s[1] <= x0 + 3 and s[2] >= x1 - 3])
        if len(ys) < 3:
            continue
        grid = Grid(page.number, ys[0], ys[-1], x0, x1, xs, ys)
        _fill(grid, page.words)
        if not grid.cells:
            continue
        if _is_text_grid(grid):
            grids.append(grid)
        elif _wraps(grid):
            grid.kind = "figures"
            grids.append(grid)
    return grids


def _fill(grid: Grid, words: list[Word]) -> None:
    rows: list[list[list[Word]]] = [[[] for _ in grid.xs[:-1]] for _ in grid.ys[:-1]]
    for w in words:
        cx, cy = w.mid, (w.top + w.bottom) / 2
        if not (grid.x0 <= cx <= grid.x1 and grid.top <= cy <= grid.bottom):
            continue
        r = next((i for i in range(len(grid.ys) - 1) if grid.ys[i] <= cy < grid.ys[i + 1]), None)
        c = next((j for j in range(len(grid.xs) - 1) if grid.xs[j] <= cx < grid.xs[j + 1]), None)
        if r is None or c is None:
            continue
        rows[r][c].append(w)
        grid.words.add(id(w))
    boxes = [[[w for ln in lines_of(cell) for w in ln.words] for cell in row] for row in rows]
    grid.boxes = [row for row in boxes if any(row)]
    grid.cells = [[_joined(lines_of(cell)) for cell in row] for row in grid.boxes]


def _joined(lines) -> str:
    """A cell's lines as one text; a line broken after a hyphen or a slash goes on without a
    space ("2025-04-" / "01", "2025-01/" / "2025-03")."""
    out = ""
    for ln in lines:
        out += ("" if not out or out.endswith(("-", "/")) else " ") + ln.text
    return out


def _lines(words: list[Word]) -> int:
    """Lines of a cell's text, not counting a line of small marks (a footnote's "1)")."""
    lines = lines_of(words)
    big = max((ln.size for ln in lines), default=0.0)
    return sum(1 for ln in lines if ln.size >= 0.75 * big)


def _wraps(grid: Grid) -> bool:
    """Rows of figures that wrap: at least two rows, and a third of the rows from the first
    that holds a figure (not a year or a date of the heads) down, hold a cell of several lines."""
    first = next(
        (
            i
            for i, row in enumerate(grid.cells)
            if any(parse_cell(c) is not None and not re.fullmatch(r"(?:19|20)\d\d", c.strip()) for c in row)
        ),
        None,
    )
    if first is None:
        return False
    body = grid.boxes[first:]
    wrapped = sum(1 for row in body if any(_lines(cell) > 1 for cell in row if cell))
    return wrapped >= 2 and wrapped >= len(body) / 3


_UNIT_WORDS = re.compile(r"^(?:тыс|тысяч[аи]?|млн|человек|чел|г|гг|год[а-я]*|на|в|по|%)$", re.I)


def _wordy(cell: str) -> bool:
    """A number inside words ("от 740 до 890 тыс. тенге"), not a value or a year label."""
    words = [w for w in re.findall(r"[A-Za-zА-Яа-яЁё]{2,}", cell) if not _UNIT_WORDS.match(w)]
    return bool(re.search(r"\d", cell)) and len(words) >= 2


def _is_text_grid(grid: Grid) -> bool:
    """Numbers inside text: most cells that hold digits hold words around them."""
    filled = [c for row in grid.cells for c in row if c]
    digits = [c for c in filled if re.search(r"\d", c)]
    return len(filled) >= 4 and len(digits) >= 2 and sum(_wordy(c) for c in digits) >= 0.5 * len(digits)


def _has_figures(row: list[str]) -> bool:
    return any(re.search(r"\d{2,}|\d[,.]\d", c) for c in row)  # a footnote mark "1" is not one


def set_header(grid: Grid, previous: Grid | None) -> None:
    """The first row heads the columns when it holds no figure; a grid at the top of a page with
    the same columns as the previous page's last grid continues it."""
    first = grid.cells[0]
    has_numbers = _has_figures(first)
    if previous is not None and previous.page == grid.page - 1 and len(previous.xs) == len(grid.xs) and has_numbers:
        grid.header = list(previous.header)
        grid.caption = previous.caption
        grid.continued = True
        return
    if not has_numbers:
        grid.header = first
        grid.cells = grid.cells[1:]
        grid.boxes = grid.boxes[1:]


@dataclass
class GridCell(Cell):
    """The words of one rectangle, however many lines they wrap to, and their text."""

    joined: str = ""

    @property
    def text(self) -> str:
        return self.joined

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)


def to_table(grid: Grid) -> Table:
    """A grid of figures as the table reader's Table: a cell per rectangle, the heads over it."""
    heads = grid.header or [""] * (len(grid.xs) - 1)
    columns = [Column(a, b, [h] if h else []) for a, b, h in zip(grid.xs, grid.xs[1:], heads)]
    rows = []
    for words, texts in zip(grid.boxes, grid.cells):
        cells = [GridCell(ws, joined=t) for ws, t in zip(words, texts) if ws]
        if cells:
            kind = "data" if any(is_value(c) or is_empty(c) for c in cells) else "section"
            rows.append(Row(min(c.top for c in cells), cells, kind))
    return Table(grid.page, grid.top, grid.bottom, grid.x0, grid.x1, grid.caption, "", columns, rows, grid.continued)


def words_outside(words: list[Word], grids: list[Grid]) -> list[Word]:
    inside = set().union(*(g.words for g in grids)) if grids else set()
    return [w for w in words if id(w) not in inside]


__all__ = ["Grid", "GridCell", "find_grids", "join_words", "set_header", "to_table", "words_outside"]
