"""Pages -> a document: blocks in reading order (title, headings, paragraphs, list items,
tables) with the page furniture set apart.

A block is a paragraph of one text region, split where the line spacing opens, the type
changes (size or weight), an indented line starts (a new paragraph or list item) or a short
line ends a sentence. A paragraph that runs on into the next column or page (it does not end
a sentence and the next body block starts in lower case) is joined back into one. Line-end
hyphens are kept when both halves are words ("январе-|сентябре", "Северо-|Казахстанской") and
joined otherwise.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from . import cards, charts, grids, layout, tables
from .pdf import Page


@dataclass
class Block:
    kind: str  # title | heading | text | table | furniture
    text: str = ""
    page: int = 0
    top: float = 0.0
    size: float = 0.0
    bold: bool = False
    x0: float = 0.0
    where: list[tuple[int, float]] = field(default_factory=list)  # (page, top) of each character
    table: tables.Table | None = None
    grid: grids.Grid | None = None
    level: int = 0  # headings: 1 = largest

    def at(self, offset: int) -> tuple[int, float]:
        return self.where[min(max(offset, 0), len(self.where) - 1)] if self.where else (self.page, self.top)


def build(pages: list[Page]) -> list[Block]:
    lines_by_page = {p.number: layout.lines_of(p.words) for p in pages}
    furn = layout.furniture(pages, lines_by_page)
    blocks: list[Block] = []
    previous_table = None
    previous_grid = None
    for p in pages:
        for ln in lines_by_page[p.number]:
            if id(ln) in furn:
                blocks.append(
                    Block(
                        "furniture",
                        ln.text,
                        p.number,
                        ln.top,
                        ln.size,
                        False,
                        ln.x0,
                        [(p.number, ln.top)] * len(ln.text),
                    )
                )
        words = [w for ln in lines_by_page[p.number] if id(ln) not in furn for w in ln.words]
        page_grids = grids.find_grids(p) if p.rules else []
        page_blocks: list[Block] = []
        for g in page_grids:
            grids.set_header(g, previous_grid)
            previous_grid = g
            page_blocks.append(Block("grid", "", p.number, g.top, 0.0, False, g.x0, [], grid=g))
        words = grids.words_outside(words, page_grids)
        for part in _panels(p, words):
            page_blocks += _part_blocks(p, part, previous_table)
            tabs = [b.table for b in page_blocks if b.kind == "table"]
            previous_table = tabs[-1] if tabs else previous_table
        # grids stand between the text regions at their height
        for b in page_blocks:
            if b.kind != "grid":
                blocks.append(b)
                continue
        for g in [b for b in page_blocks if b.kind == "grid"]:
            i = next(
                (
                    k
                    for k, b in enumerate(blocks)
                    if b.page == p.number
                    and b.kind != "furniture"
                    and b.top > g.top
                    and b.x0 < g.grid.x1
                    and b.x0 >= g.grid.x0 - 5
                ),
                len(blocks),
            )
            if g.grid.kind == "figures":  # a grid of figures is a table, its caption the line right above
                if not g.grid.continued and i > 0 and _caption_of(blocks[i - 1], g.grid):
                    g.grid.caption = blocks.pop(i - 1).text
                    i -= 1
                g.kind, g.text, g.table = "table", g.grid.caption, grids.to_table(g.grid)
            blocks.insert(i, g)
    _adopt_captions(blocks)
    _classify(blocks)
    return _join_runons(blocks)


def _adopt_captions(blocks: list[Block]) -> None:
    """A table the finder left without a caption takes the numbered or titled line right above
    it ("2. Численность населения …, человек"), which a wide caption or a blank line kept apart."""
    i = 1
    while i < len(blocks):
        b, prev = blocks[i], blocks[i - 1]
        t = b.table
        if (
            t is not None
            and not t.caption
            and not t.continued
            and prev.kind in ("text", "heading")
            and prev.page == b.page
            and len(prev.text) <= 200
            and tables.is_caption(prev.text)
            and prev.where
            and len({top for _, top in prev.where}) <= 2  # a caption, not a paragraph under a heading
            and not tables.ends_sentence(prev.text)
            # nothing stands between them; "Таблица 1." may stand over tall vertical heads
            and (
                b.top - prev.where[-1][1] <= tables.CAPTION_GAP * max(prev.size, 1.0) + prev.size
                or re.match(r"^\s*(?:таблица|table|кесте)\s*\d", prev.text, re.I)
            )
        ):
            t.caption = b.text = prev.text
            del blocks[i - 1]
            continue
        i += 1


def _caption_of(b: Block, grid: grids.Grid) -> bool:
    """A short block ending right above a grid, not a sentence: the grid's caption."""
    if b.kind != "text" or b.page != grid.page or not b.where or len(b.text) > 160:
        return False
    if re.search(r"(?<!\bг)(?<!\bгг)[.!?;]$", b.text.rstrip()):
        return False
    return grid.top - (b.where[-1][1] + b.size) < 2 * b.size and grid.x0 - 5 <= b.x0 < grid.x1


def _part_blocks(p: Page, words: list, previous_table) -> list[Block]:
    """Blocks of one part of a page (the page, or one panel of it): cards, tables, paragraphs."""
    out: list[Block] = []
    found_cards = cards.find_cards(p, words)
    for cd in found_cards:
        held = {id(w) for w in cd.words}
        words = [w for w in words if id(w) not in held]
    for lines, gutters in layout.regions(words):
        # charts first: the table finder would take a chart's labels and ticks for a table
        drawn, in_charts = charts.find_charts(lines, p.number)
        rest = [ln for ln in lines if id(ln) not in in_charts]
        found, used = tables.find_tables(rest, p.number, previous_table, p.vertical_rules(), gutters)
        used |= in_charts
        if found:
            previous_table = found[-1]
        items: list[tuple[float, object]] = [(t.top, t) for t in found + drawn]
        text = [ln for ln in lines if id(ln) not in used]
        if text:
            # footnote marks set small and raised on a line of their own ("человек¹")
            body = statistics.median(ln.size for ln in text)
            # and reference marks raised onto a line of their own ("[4] [5] [6]" over a sentence)
            text = [
                ln
                for ln in text
                if not (ln.size < 0.8 * body and re.fullmatch(r"[\d*)¹²³,]{1,3}", ln.text))
                and not _numeric_only(ln.text)
                and not re.fullmatch(r"(?:\[\d{1,3}\]\s*)+", ln.text)
            ]
        items += [(b.top, b) for b in _paragraphs(layout.text_lines(text))]
        for _, item in sorted(items, key=lambda it: it[0]):
            if isinstance(item, tables.Table):
                out.append(Block("table", item.caption, p.number, item.top, 0.0, False, item.x0, [], item))
            else:
                out.append(item)
    # a row of cards stands between the blocks at its height, read left to right
    for cd in found_cards:
        i = next((k for k, b in enumerate(out) if b.kind != "card" and b.top > cd.top), len(out))
        out.insert(
            i, Block("card", cd.text, p.number, cd.top, cd.size, False, cd.x0, [(p.number, cd.top)] * len(cd.text))
        )
    return out


def _panels(p: Page, words: list) -> list[list]:
    """A page laid out as framed panels (slides printed four to a page, boxed sidebars) is read
    panel by panel, rows top-down and left to right; the words outside them before and after."""
    big = [
        b
        for b in p.boxes
        if b[2] - b[0] >= 0.3 * p.width and b[3] - b[1] >= 0.12 * p.height and b[2] - b[0] < 0.95 * p.width
    ]

    def within(w, b) -> bool:
        return b[0] - 1 <= w.x0 and w.x1 <= b[2] + 1 and b[1] - 1 <= w.top and w.bottom <= b[3] + 1

    def inside(a, b) -> bool:
        return b[0] - 1 <= a[0] and a[2] <= b[2] + 1 and b[1] - 1 <= a[1] and a[3] <= b[3] + 1

    outer = []
    for b in big:
        area = (b[2] - b[0]) * (b[3] - b[1])
        # a frame and its fill drawn as two paths a point apart are one panel
        if (
            not any(inside(b, o) and ((o[2] - o[0]) * (o[3] - o[1]) > area or (o in outer)) for o in big if o != b)
            and sum(1 for w in words if within(w, b)) >= 3
        ):
            outer.append(b)
    if len(outer) < 2 or any(
        min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
        for i, a in enumerate(outer)
        for b in outer[i + 1 :]
    ):
        return [words]
    outer.sort(key=lambda b: b[1])
    rows: list[list] = []
    for b in outer:
        if rows and b[1] - rows[-1][0][1] < 0.5 * (rows[-1][0][3] - rows[-1][0][1]):
            rows[-1].append(b)
        else:
            rows.append([b])
    order = [b for row in rows for b in sorted(row, key=lambda b: b[0])]
    parts = [[w for w in words if within(w, b)] for b in order]
    held = {id(w) for part in parts for w in part}
    rest = [w for w in words if id(w) not in held]
    first = min(b[1] for b in outer)
    above = [w for w in rest if w.bottom <= first]
    below = [w for w in rest if w.bottom > first]
    return [part for part in [above] + parts + [below] if part]


# A line that ends on a comma, a dash, a conjunction or a preposition goes on in the next one,
# however short it is (a long unbreakable group pushed the rest down).
_RUNS_ON = re.compile(
    r"(?:[,–—-]|\b(?:и|а|но|в|во|на|с|со|по|из|к|у|о|от|до|за|для|при|без|под|над|чем|что|как|или|же))\s*$", re.I
)


def _numeric_only(text: str) -> bool:
    """A line of bare numbers outside any table: a chart's data labels or axis ticks."""
    toks = re.sub(r"(?<!\d)(\d{1,3})((?: \d{3})+)(?!\d)", lambda m: m.group(0).replace(" ", ""), text).split()
    nums = sum(1 for t in toks if re.fullmatch(r"[-–+(]?\d[\d.,%)]*", t))
    return nums >= 2 and nums >= 0.75 * len(toks) and not re.search(r"[а-яёa-z]{3}", text, re.I)


def _paragraphs(lines: list[layout.TextLine]) -> list[Block]:
    out: list[Block] = []
    if not lines:
        return out
    right = max(ln.x1 for ln in lines)
    prev = None
    for ln in lines:
        new = (
            prev is None
            or ln.top - prev.bottom > 0.45 * max(ln.size, prev.size)
            or abs(ln.size - prev.size) > 0.8
            or ln.bold != prev.bold
            or ln.x0 > prev.x0 + 0.9 * ln.size  # an indent: a new paragraph or list item
            or (
                prev.x1 < right - 3 * prev.size
                and not _RUNS_ON.search(prev.text)
                and (
                    re.search(r"[.;:!?]$", prev.text.rstrip()) is not None
                    or re.match(r"[А-ЯЁA-Z0-9«\"(]", ln.text) is not None
                    or ln.x1 < right - 3 * ln.size
                )
            )
            or ln.top < prev.top - 1
        )
        if new:
            out.append(Block("text", "", ln.page, ln.top, ln.size, ln.bold, ln.x0))
        _append(out[-1], ln.text, ln.page, ln.top)
        prev = ln
    return out


def _append(b: Block, text: str, page: int, top: float) -> None:
    if b.text:
        t = b.text
        m = re.search(r"([A-Za-zА-Яа-яЁё]+)-$", t)
        first = re.match(r"[A-Za-zА-Яа-яЁё]+", text)
        if m and first:
            if _real_hyphen(m.group(1), first.group(0)):
                pass  # "Северо-" + "Казахстанской", "январе-" + "сентябре": keep the hyphen
            else:
                b.text = t[:-1]  # a word broken across lines
                b.where = b.where[:-1]
        elif not t.endswith(" "):
            b.text += " "
            b.where.append(b.where[-1])
    b.text += text
    b.where.extend([(page, top)] * len(text))


def _real_hyphen(left: str, right: str) -> bool:
    if right[:1].isupper():
        return True
    joined_known = _known(left + right)
    return not joined_known and _known(left) and _known(right)


def _known(word: str) -> bool:
    from .text import _morph

    return _morph().word_is_known(word.lower())


def _classify(blocks: list[Block]) -> None:
    """Title and headings: short blocks set larger or bolder than the body."""
    texts = [b for b in blocks if b.kind == "text"]
    if not texts:
        return
    body = statistics.median([b.size for b in texts for _ in range(max(1, len(b.text) // 40))])
    sizes = sorted({round(b.size, 1) for b in texts if b.size > body * 1.08}, reverse=True)
    first_page = min(b.page for b in texts)
    title_done = False
    for i, b in enumerate(texts):
        # a heading has no full stop ("… 140 521 .", "… и ОАЭ." are sentences; "Итоги 2023 г." is not)
        short = len(b.text) < 140 and not re.search(r"(?<!\bг)(?<!\bгг)[.;!?]$", b.text.rstrip())
        bigger = b.size > body * 1.08
        nxt = texts[i + 1] if i + 1 < len(texts) else None
        if (
            short
            and not bigger
            and not b.bold
            and nxt is not None
            and len(b.text) < 60
            and b.size >= 1.1 * nxt.size
            and not re.search(r"\d", b.text)
        ):
            b.kind, b.level = "heading", len(sizes) + 2  # the heading of a sidebar or a box
            continue
        if short and (bigger or (b.bold and len(b.text) < 100)):
            if bigger and not title_done and b.page == first_page and round(b.size, 1) == sizes[0]:
                b.kind, b.level = "title", 0
                title_done = True
                continue
            b.kind = "heading"
            b.level = (sizes.index(round(b.size, 1)) + 1) if bigger and round(b.size, 1) in sizes else len(sizes) + 1


def _join_runons(blocks: list[Block]) -> list[Block]:
    """A paragraph interrupted by a column, page, table or sidebar goes on where it continues."""
    out: list[Block] = []
    open_para: Block | None = None
    for b in blocks:
        if b.kind != "text":
            out.append(b)
            continue
        if open_para is not None and re.match(r"^[a-zа-яё0-9(«\"–—-]", b.text) and abs(b.size - open_para.size) < 0.8:
            _append(open_para, b.text, b.page, b.top)
        else:
            out.append(b)
            open_para = b
        if re.search(r"[.!?…:;»)]$", open_para.text.rstrip()):
            open_para = None
    return out
