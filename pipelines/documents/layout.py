"""PDF pages -> text blocks in reading order, with tables set apart.

pdfplumber gives lines; this module drops superscript footnote marks and page numbers, removes
the words that belong to tables (tables.py reads those), and groups lines into blocks so that
captions, chart labels and footnotes are not glued into the sentences around them. Lines of a
block are joined: "40,6\\nтыс." -> "40,6 тыс.", "низко-\\nквалифицированных" -> one word.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pdfplumber

from .numbers import normalise_spaces


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    size: float
    style: str  # "", "bold", "italic", "bold-italic"
    text: str


@dataclass
class Block:
    lines: list[Line] = field(default_factory=list)

    @property
    def style(self) -> tuple[float, str]:
        return self.lines[0].size, self.lines[0].style


@dataclass
class Segment:
    """Joined text of one or more blocks, with the (page, top) of every character."""

    text: str
    where: list[tuple[int, float]]


def _style(fontname: str) -> str:
    f = fontname.lower()
    bold = any(k in f for k in ("bold", "black", "heavy", "semibold"))
    italic = any(k in f for k in ("italic", "oblique"))
    return "-".join(s for s, on in (("bold", bold), ("italic", italic)) if on)


def _mode(values: list) -> object:
    return Counter(values).most_common(1)[0][0] if values else None


def _superscripts(page) -> set[tuple[float, float]]:
    """Footnote marks typeset as small raised characters ("области¹")."""
    marks: set[tuple[float, float]] = set()
    for line in page.extract_text_lines(return_chars=True, strip=True):
        chars = line["chars"]
        if not chars:
            continue
        big = max(c["size"] for c in chars)
        base = max(c["bottom"] for c in chars if c["size"] >= 0.9 * big)
        for c in chars:
            if c["size"] < 0.8 * big and c["bottom"] < base - 0.15 * big and (c["text"].isdigit() or c["text"] in "*)"):
                marks.add((round(c["x0"], 2), round(c["top"], 2)))
    return marks


def _inside(obj, boxes) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 - 1 <= cx <= x1 + 1 and t - 1 <= cy <= b + 1 for x0, t, x1, b in boxes)


def page_lines(page, table_boxes: list[tuple[float, float, float, float]]) -> list[Line]:
    marks = _superscripts(page)

    def keep(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        if (round(obj["x0"], 2), round(obj["top"], 2)) in marks:
            return False
        return not _inside(obj, table_boxes)

    filtered = page.filter(keep)
    lines: list[Line] = []
    for ln in filtered.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in ln["chars"] if c["text"].strip()]
        text = normalise_spaces(ln["text"]).strip()
        if not chars or not text:
            continue
        # Page numbers and running marks: a line that is only a number ("3", "- 3 -").
        if re.fullmatch(r"[-–—\s]*\d{1,4}[-–—\s]*", text):
            continue
        size = round(_mode([round(c["size"], 1) for c in chars]), 1)
        style = _mode([_style(c["fontname"]) for c in chars])
        lines.append(Line(page.page_number, ln["top"], ln["bottom"], ln["x0"], size, style, text))
    return lines


_LIST_MARK = re.compile(r"^(?:\d{1,2}[.)]|[•·▪●◦\-–—])\s")
_ENDS_SENTENCE = re.compile(r"[.!?:;…»\")]\s*$")


def blocks_of(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    prev: Line | None = None
    for ln in lines:
        new = (
            prev is None
            or ln.page != prev.page
            or abs(ln.size - prev.size) > 0.6
            or ln.style != prev.style
            or ln.top - prev.bottom > 0.6 * max(ln.size, prev.size)
            or ln.top < prev.top - 1  # a new column
            or _LIST_MARK.match(ln.text)
        )
        if new:
            blocks.append(Block([ln]))
        else:
            blocks[-1].lines.append(ln)
        prev = ln
    return blocks


_NUMERIC_TOKEN = re.compile(r"^[-–—+(]?\d[\d.,%)]*$")


def _numeric_heavy(line: Line) -> bool:
    toks = line.text.split()
    nums = sum(1 for t in toks if _NUMERIC_TOKEN.match(t))
    return nums >= 2 and nums >= 0.6 * len(toks) and not re.search(r"[.;:]$", line.text)


def _furniture(lines: list[Line], page_heights: dict[int, float]) -> set[int]:
    """Running headers and footers: the same text (digits aside) near the top or bottom edge
    of two or more pages."""
    if len(page_heights) < 2:
        return set()
    def key(ln: Line) -> str:
        return re.sub(r"\d+", "#", ln.text.lower())
    edge = [i for i, ln in enumerate(lines)
            if ln.top < 0.1 * page_heights[ln.page] or ln.bottom > 0.9 * page_heights[ln.page]]
    pages_of: dict[str, set[int]] = {}
    for i in edge:
        pages_of.setdefault(key(lines[i]), set()).add(lines[i].page)
    return {i for i in edge if len(pages_of[key(lines[i])]) >= 2}


def drop_furniture(lines: list[Line], page_heights: dict[int, float]) -> list[Line]:
    skip = _furniture(lines, page_heights)
    return [ln for i, ln in enumerate(lines) if i not in skip]


def segments_of(blocks: list[Block]) -> list[Segment]:
    """Join lines into text. A block continues an earlier one when the sentence runs on
    across a page break, a picture, its caption or a table: the earlier body block does not
    end a sentence, this one starts in lower case and looks the same. Blocks made of numbers
    (chart labels, axis ticks) are dropped."""
    segs: list[Segment] = []
    open_seg: dict[tuple[float, str], int] = {}  # style -> segment still waiting for its end
    for b in blocks:
        if all(_numeric_heavy(ln) for ln in b.lines):
            continue
        first = b.lines[0].text
        target = open_seg.get(b.style)
        continues = (
            target is not None
            and re.match(r"^[a-zа-яё0-9(«\"]", first) is not None
            and not _LIST_MARK.match(first)
        )
        if not continues:
            segs.append(Segment("", []))
            target = len(segs) - 1
        seg = segs[target]
        for ln in b.lines:
            _append(seg, ln)
        open_seg = {k: v for k, v in open_seg.items() if v != target}
        if not _ENDS_SENTENCE.search(b.lines[-1].text):
            open_seg[b.style] = target
    for s in segs:
        s.text = s.text.strip()
        s.where = s.where[: len(s.text)]
    return segs


def _append(seg: Segment, ln: Line) -> None:
    text = ln.text
    if seg.text:
        t = seg.text
        # hyphenated word broken across lines: "низко-" + "квалифицированных"
        if re.search(r"[а-яёa-z]{2}[-\u00ad]$", t) and re.match(r"^[а-яёa-z]", text):
            seg.text = t[:-1]
            seg.where = seg.where[:-1]
        elif re.search(r"[А-ЯЁа-яё]{2}-$", t) and re.match(r"^[А-ЯЁ]", text):
            pass  # "Западно-" + "Казахстанской": a compound name, keep the hyphen
        elif not t.endswith(" "):
            seg.text += " "
            seg.where.append(seg.where[-1])
    seg.text += text
    seg.where.extend([(ln.page, ln.top)] * len(text))


def open_pdf(path):
    return pdfplumber.open(path)
