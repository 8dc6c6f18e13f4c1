"""Pages of words -> lines, cells and reading order.

Two geometric facts carry the whole layer:
- a *gap* wider than the line's own spacing separates cells (table columns, text columns);
- a *gutter* is a vertical channel of white that stays free over several lines: the space
  between text columns, between a sidebar and the main text, or between table columns.

Reading order is a recursive cut: the tallest gutter splits its run of lines into a left and a
right part, read one after the other, between what stands above and below it. Running headers
and footers are set apart as page furniture (their dates stay available as context).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace

from .numbers import parse_cell
from .pdf import SPACE_GAP, Page, Word

# A channel must be at least this wide (in line heights) and stay free over this many lines.
GUTTER_MIN_WIDTH = 0.45
GUTTER_MIN_LINES = 3


class Line:
    """Words sharing a baseline, left to right (possibly across columns)."""

    __slots__ = ("words", "page", "top", "bottom", "x0", "x1", "size", "_text")

    def __init__(self, words: list[Word], page: int):
        self.words = words
        self.page = page
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        self.x0 = words[0].x0
        self.x1 = max(w.x1 for w in words)
        self.size = _median([w.size for w in words])
        self._text = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = join_words(self.words)
        return self._text


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


@dataclass
class Cell:
    """Words of one line between two gaps: a table cell, a piece of a text column."""

    words: list[Word]

    @property
    def text(self) -> str:
        return join_words(self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return _median([w.size for w in self.words])

    @property
    def mid(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class TextLine:
    """One line of a text column in reading order, with its style."""

    text: str
    words: list[Word]
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    region: tuple[float, float] = (0.0, 0.0)  # x-range of the column it was read in


@dataclass
class PageLayout:
    page: Page
    lines: list[Line]  # all lines of the page, furniture included
    furniture: list[Line] = field(default_factory=list)


def join_words(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def lines_of(words: list[Word]) -> list[Line]:
    """Cluster words by baseline (within a third of their height)."""
    ws = sorted((w for w in words if not w.sup), key=lambda w: (w.bottom, w.x0))
    lines: list[list[Word]] = []
    for w in ws:
        if lines and abs(w.bottom - lines[-1][0].bottom) < 0.3 * max(w.size, lines[-1][0].size):
            lines[-1].append(w)
        else:
            lines.append([w])
    return [Line(sorted(ln, key=lambda w: w.x0), ln[0].page) for ln in lines]


_VALUE = re.compile(r"^[-−–+(]?[\d\s.,]*\d[)%]?$")


def cells_of(words: list[Word], gutters: list[float] = ()) -> list[Cell]:
    """Split a line's words into cells at gaps much wider than the line's word spacing, and at
    the given gutter positions."""
    if not words:
        return []
    gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:])]
    h = statistics.median(w.size for w in words)
    # the line's word spacing counts the spaces inside numbers joined from digit groups too
    spaces = gaps + [g for w in words for g in w.spaces]
    spacing = statistics.median(spaces) if spaces else 0.0
    limit = max(0.8 * h, min(2.5 * spacing, 1.5 * h))
    cells = [[words[0]]]
    for a, b, g in zip(words, words[1:], gaps):
        # a gutter cuts between columns, not inside a label whose words one space keeps together
        # (the longest label of a column reaches into the white beside the shorter ones)
        words_apart = g > SPACE_GAP * h or _VALUE.match(a.text) or _VALUE.match(b.text)
        if g > limit or (words_apart and any(a.x1 <= x <= b.x0 for x in gutters)):
            cells.append([b])
        else:
            cells[-1].append(b)
    return [Cell(c) for c in cells]


# ------------------------------------------------------------------------------------ gutters


@dataclass
class Gutter:
    x0: float
    x1: float
    first: int  # index of the first line of its run
    last: int
    both: int = 0  # lines of the run with words on both sides

    @property
    def lines(self) -> int:
        return self.last - self.first + 1


def _free(line: Line, left: float, right: float, minw: float) -> list[tuple[float, float]]:
    out = []
    x = left
    for w in line.words:
        if w.x0 - x >= minw:
            out.append((x, w.x0))
        x = max(x, w.x1)
    if right - x >= minw:
        out.append((x, right))
    return out


def find_gutters(lines: list[Line]) -> list[Gutter]:
    """Vertical white channels over runs of consecutive lines."""
    if len(lines) < GUTTER_MIN_LINES:
        return []
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    h = statistics.median(ln.size for ln in lines)
    minw = GUTTER_MIN_WIDTH * h
    done: list[Gutter] = []
    active: list[Gutter] = []
    for i, ln in enumerate(lines):
        free = _free(ln, left, right, minw)
        nxt: list[Gutter] = []
        for g in active:
            best = _widest_overlap(free, g, minw)
            if best is None:
                done.append(g)
                continue
            both = any(w.x1 <= best[0] for w in ln.words) and any(w.x0 >= best[1] for w in ln.words)
            nxt.append(Gutter(best[0], best[1], g.first, i, g.both + both))
        for a, b in free:
            if a <= left or b >= right:
                continue  # channels start between words, not at a ragged margin
            if any(g.x0 < b and a < g.x1 for g in nxt):
                continue
            nxt.append(Gutter(a, b, i, i, 1))
        active = _dedupe(nxt)
    done += active
    for g in done:  # a run starts where both sides first hold words; lines above may share it
        _extend_up(g, lines, minw)
    return [g for g in done if _is_column(g, h)]


def _widest_overlap(free: list[tuple[float, float]], g: Gutter, minw: float) -> tuple[float, float] | None:
    best = None
    for a, b in free:
        lo, hi = max(a, g.x0), min(b, g.x1)
        if hi - lo >= minw and (best is None or hi - lo > best[1] - best[0]):
            best = (lo, hi)
    return best


def _extend_up(g: Gutter, lines: list[Line], minw: float) -> None:
    while g.first > 0:
        lo, hi = _free_part(lines[g.first - 1], g.x0, g.x1)
        if hi - lo < max(minw, 0.6 * (g.x1 - g.x0)):
            break
        g.first -= 1


def _is_column(g: Gutter, h: float) -> bool:
    wide = (g.x1 - g.x0) >= 1.0 * h
    if g.lines >= GUTTER_MIN_LINES and (g.both >= 3 or (g.both >= 2 and wide)):
        # rivers of a justified paragraph are narrow and short; columns are neither
        if g.lines >= 4 or wide:
            return True
    return False


def _free_part(line: Line, x0: float, x1: float) -> tuple[float, float]:
    """The widest stretch of [x0, x1] that no word of the line covers."""
    spans = sorted((max(w.x0, x0), min(w.x1, x1)) for w in line.words if w.x1 > x0 and w.x0 < x1)
    best, pos = (x0, x0), x0
    for a, b in spans:
        if a - pos > best[1] - best[0]:
            best = (pos, a)
        pos = max(pos, b)
    if x1 - pos > best[1] - best[0]:
        best = (pos, x1)
    return best


def _dedupe(gs: list[Gutter]) -> list[Gutter]:
    out: list[Gutter] = []
    for g in sorted(gs, key=lambda g: (g.first, -(g.x1 - g.x0))):
        if any(o.x0 <= g.x0 and g.x1 <= o.x1 and o.first <= g.first for o in out):
            continue
        out.append(g)
    return out


# ------------------------------------------------------------------------------ reading order


def regions(words: list[Word], depth: int = 0) -> list[tuple[list[Line], list[Gutter]]]:
    """The page's text regions in reading order, each as its lines and its gutters: recursive
    cuts at the tallest gutter that has running text on at least one side (text columns,
    sidebars, side-by-side panels). Gutters between short cells (table columns) do not cut:
    tables stay whole, and their gutters go with the region to the table finder."""
    lines = lines_of(words)
    if not lines:
        return []
    found = find_gutters(lines)
    cuts = (
        [g for g in (replace(g) for g in found) if _prose_side(lines, g) and _column_edge(lines, g)]
        if depth < 8
        else []
    )
    if not cuts:
        return [(lines, found)]
    g = max(cuts, key=lambda g: (g.lines, g.x1 - g.x0))
    cut = (g.x0 + g.x1) / 2
    above = [w for ln in lines[: g.first] for w in ln.words]
    below = [w for ln in lines[g.last + 1 :] for w in ln.words]
    mid = [w for ln in lines[g.first : g.last + 1] for w in ln.words]
    left = [w for w in mid if w.mid < cut]
    right = [w for w in mid if w.mid >= cut]
    out: list[tuple[list[Line], list[Gutter]]] = []
    if above:
        out += regions(above, depth + 1)
    labels = _label_blocks(left, right)
    if labels:
        # a column of short labels beside the text (a record's place and date): each label is
        # read with the text at its height, not all labels first
        tops = [b[0].top for b in labels] + [float("inf")]
        rlines = lines_of(right)
        head = [w for ln in rlines if ln.bottom <= tops[0] for w in ln.words]
        if head:
            out += regions(head, depth + 1)
        for block, a, b in zip(labels, tops, tops[1:]):
            out.append((block, []))
            part = [w for ln in rlines if a - 1 <= ln.bottom and ln.top < b - 1 for w in ln.words]
            if part:
                out += regions(part, depth + 1)
    else:
        for part in (left, right):
            if part:
                out += regions(part, depth + 1)
    if below:
        out += regions(below, depth + 1)
    return out


def _label_blocks(left: list[Word], right: list[Word]) -> list[list[Line]] | None:
    """The left side as blocks of a label column, or None when it is running text."""
    ll, rl = lines_of(left), lines_of(right)
    if len(ll) < 2 or not rl or max(len(ln.text) for ln in ll) > 32 or len(ll) > 0.6 * len(rl):
        return None
    blocks: list[list[Line]] = [[ll[0]]]
    for a, b in zip(ll, ll[1:]):
        if b.top - a.bottom > 0.8 * a.size:
            blocks.append([b])
        else:
            blocks[-1].append(b)
    return blocks if len(blocks) >= 2 else None


def _column_edge(lines: list[Line], g: Gutter) -> bool:
    """A gutter between text columns is wide, or the text right of it starts at one edge; a
    river of a justified paragraph (spaces that happen to line up) is neither."""
    h = _median([ln.size for ln in lines[g.first : g.last + 1]])
    if g.x1 - g.x0 >= 0.9 * h:
        return True
    starts = [next((w.x0 for w in ln.words if w.x0 >= g.x1 - 0.5), None) for ln in lines[g.first : g.last + 1]]
    starts = [x for x in starts if x is not None]
    return len(starts) >= 3 and max(starts) - min(starts) <= 1.5


def _side_run(ln: Line, g: Gutter, side: int) -> str:
    """The stretch of words right next to the gutter on one side."""
    ws = [w for w in ln.words if (w.x1 <= g.x0 + 0.5 if side < 0 else w.x0 >= g.x1 - 0.5)]
    if not ws:
        return ""
    if side < 0:
        ws = ws[::-1]
    run = [ws[0]]
    for a, b in zip(ws, ws[1:]):
        if (b.x0 - a.x1 if side > 0 else a.x0 - b.x1) > 1.5 * a.size:
            break
        run.append(b)
    if side < 0:
        run = run[::-1]
    return join_words(run)


def _prose_side(lines: list[Line], g: Gutter) -> bool:
    """Running text next to the gutter on one side: most lines hold a long stretch of words.
    The run is trimmed to the lines where some side is long (a table's header under a
    sidebar shares its white channel but is not part of it)."""

    def long(ln: Line) -> bool:
        if sum(parse_cell(c.text) is not None for c in cells_of(ln.words)) >= 2:
            return False  # a table row under the columns
        return len(_side_run(ln, g, -1)) >= 25 or len(_side_run(ln, g, 1)) >= 25

    while g.last > g.first and not long(lines[g.last]):
        g.last -= 1
    while g.first < g.last and not long(lines[g.first]):
        g.first += 1

    def table_row(ln: Line) -> bool:
        return sum(parse_cell(c.text) is not None for c in cells_of(ln.words)) >= 2

    # a table row is no running text, however tightly its values are set
    body = [ln for ln in lines[g.first : g.last + 1] if not table_row(ln)]
    runs = {side: [r for r in (_side_run(ln, g, side) for ln in body) if r] for side in (-1, 1)}
    for side in (-1, 1):
        text, other = runs[side], runs[-side]
        if len(text) >= 3 and sum(len(r) >= 25 for r in text) >= 0.6 * len(text):
            # labels beside a column of values are a table, not text beside text
            if other and sum(parse_cell(r) is not None for r in other) >= 0.6 * len(other):
                continue
            return True
    return False


def text_lines(lines: list[Line]) -> list[TextLine]:
    return [_text_line(ln.words, ln.page) for ln in lines]


def _text_line(words: list[Word], page: int) -> TextLine:
    bold = sum(len(w.text) for w in words if w.bold) > 0.5 * sum(len(w.text) for w in words)
    return TextLine(
        join_words(words),
        words,
        page,
        min(w.top for w in words),
        max(w.bottom for w in words),
        words[0].x0,
        max(w.x1 for w in words),
        statistics.median(w.size for w in words),
        bold,
    )


# ---------------------------------------------------------------------------------- furniture

_PAGE_NO = re.compile(
    r"^(?:[-–—\s]*\d{1,4}[-–—\s]*|(?:стр(?:аница)?\.?|с\.)\s*\d{1,4}(?:\s*(?:из|/)\s*\d{1,4})?|\d{1,4}\s*(?:/|из)\s*\d{1,4}|page\s+\d+.*)$",
    re.I,
)


def furniture(pages: list[Page], lines_by_page: dict[int, list[Line]]) -> set[int]:
    """ids of lines that are running headers and footers: a page number, or a line at the top
    or bottom edge repeated (digits aside) on other pages, or a small-print line above the
    page's first line of body size."""
    out: set[int] = set()
    heights = {p.number: p.height for p in pages}
    edge: dict[str, set[int]] = {}
    for pno, lines in lines_by_page.items():
        for ln in lines:
            if ln.top < 0.09 * heights[pno] or ln.bottom > 0.91 * heights[pno]:
                edge.setdefault(re.sub(r"\d+", "#", ln.text.lower()), set()).add(pno)
    for pno, lines in lines_by_page.items():
        if not lines:
            continue
        body = statistics.median(ln.size for ln in lines)
        for ln in lines:
            at_top = ln.top < 0.09 * heights[pno]
            at_bottom = ln.bottom > 0.91 * heights[pno]
            if not (at_top or at_bottom):
                continue
            text = ln.text.strip()
            if _PAGE_NO.match(text) or len(edge.get(re.sub(r"\d+", "#", text.lower()), ())) >= 2:
                out.add(id(ln))
            elif at_bottom and ln.size <= body and ln is lines[-1] and len(text) < 60:
                out.add(id(ln))  # a footer line below everything else
            elif at_top and ln is lines[0] and ln.size < 0.95 * body and len(lines) > 3:
                out.add(id(ln))  # small print above the body: a running header
    return out
