"""A PDF's words with their boxes, read with PDFium (pypdfium2, installed with pdfplumber).

PDFium gives every character with its box about 17 times faster than pdfminer's parser; one
loose box per character (the font's ascent to descent, the same height for every glyph of a
size) is all the layout needs. Characters become words here; superscript footnote marks
("человек¹") are flagged so that they never join or become numbers.
"""

from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Bounds on what one document may cost (issue: a PDF that inflates to hundreds of megabytes).
MAX_PAGES = 2000
MAX_CHARS_PER_PAGE = 60_000
MAX_PATHS_PER_PAGE = 5_000


class DocumentError(Exception):
    """A file that cannot be read as a PDF with a text layer. The message is one line."""


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    bold: bool = False
    sup: bool = False  # a raised small mark: a footnote reference, never a figure
    spaces: tuple[float, ...] = ()  # widths of the spaces inside a number joined from digit groups

    @property
    def size(self) -> float:
        return self.bottom - self.top

    @property
    def mid(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, top, x1, bottom
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # drawn rectangles, same

    def vertical_rules(self) -> list[tuple[float, float, float, float]]:
        return [r for r in self.rules if r[2] - r[0] < 2.5 and r[3] - r[1] > 3]


def _check_file(path: Path) -> None:
    name = path.name
    try:
        if not path.is_file():
            raise DocumentError(f"{name}: not a regular file")
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(1024)
            f.seek(max(0, size - 2048))
            tail = f.read()
    except OSError as e:
        raise DocumentError(f"{name}: cannot read ({e.strerror or e})") from None
    if size == 0:
        raise DocumentError(f"{name}: empty file")
    if b"%PDF-" not in head:
        start = head[:12].decode("utf-8", "replace").strip().replace("\n", " ")
        raise DocumentError(f"{name}: not a PDF (starts with {start!r})")
    if b"%%EOF" not in tail:
        raise DocumentError(f"{name}: truncated PDF (no %%EOF marker)")


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if "password" in msg.lower() or "security" in msg.lower():
            raise DocumentError(f"{path.name}: encrypted PDF") from None
        raise DocumentError(f"{path.name}: unreadable PDF ({msg[:100]})") from None


def read_pages(path: str | Path) -> list[Page]:
    """Every page's words, top-down coordinates in points."""
    path = Path(path)
    _check_file(path)
    from pipelines.sources.documents.inflate import check as over_inflation_cap  # before PDFium inflates a stream

    over = over_inflation_cap(path)
    if over:
        raise DocumentError(f"{path.name}: {over}")
    doc = _open(path)
    try:
        n = len(doc)
        if n == 0:
            raise DocumentError(f"{path.name}: PDF has no pages")
        if n > MAX_PAGES:
            raise DocumentError(f"{path.name}: {n} pages, more than the {MAX_PAGES} a document may have")
        pages = []
        for i in range(n):
            page = doc[i]
            try:
                pages.append(_page(page, i + 1, path.name))
            finally:
                page.close()
        if not any(p.words for p in pages):
            raise DocumentError(f"{path.name}: no text layer (image-only?)")
        return pages
    finally:
        doc.close()


def _page(page, number: int, name: str) -> Page:
    width, height = page.get_size()
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        if n > MAX_CHARS_PER_PAGE:
            raise DocumentError(f"{name}: page {number} has {n} characters, more than {MAX_CHARS_PER_PAGE}")
        text = tp.get_text_range() if n else ""
        words, turned = _words(tp, text, n, height, number)
    finally:
        tp.close()
    rules, boxes = _rules(page, height)
    if _sideways(words, turned):
        # a page printed sideways (a landscape table on a portrait page): read in its own frame
        up = sum(math.sin(c[5]) < 0 for c in turned) >= len(turned) / 2
        words = _sideways_words(turned, width, height, number, up)
        rules = [_turn(r, width, height, up) for r in rules]
        boxes = [_turn(b, width, height, up) for b in boxes]
        width, height = height, width
    else:
        words += _vertical_words(turned, number)
    page_ = Page(number, width, height, words, rules, boxes)
    page_.words = join_digit_groups(words, page_.vertical_rules())
    return page_


def _rules(
    page, height: float
) -> tuple[list[tuple[float, float, float, float]], list[tuple[float, float, float, float]]]:
    """Table borders: thin drawn segments, and the edges of filled cell backgrounds (paths on
    the page and one level into form objects); and those backgrounds and frames as boxes."""
    out: list[tuple[float, float, float, float]] = []
    boxes: list[tuple[float, float, float, float]] = []
    left, b, r, t = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, b, r, t)]

    def take(obj) -> None:
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            return
        x0, y0, x1, y1 = left.value, height - t.value, r.value, height - b.value
        if x1 - x0 < 2.5 or y1 - y0 < 2.5:
            out.append((x0, y0, x1, y1))
        else:
            out.extend([(x0, y0, x0, y1), (x1, y0, x1, y1), (x0, y0, x1, y0), (x0, y1, x1, y1)])
            boxes.append((x0, y0, x1, y1))

    raw = page.raw
    n = min(pdfium_c.FPDFPage_CountObjects(raw), MAX_PATHS_PER_PAGE)
    for i in range(n):
        obj = pdfium_c.FPDFPage_GetObject(raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            take(obj)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            for j in range(min(pdfium_c.FPDFFormObj_CountObjects(obj), MAX_PATHS_PER_PAGE)):
                sub = pdfium_c.FPDFFormObj_GetObject(obj, j)
                if pdfium_c.FPDFPageObj_GetType(sub) == pdfium_c.FPDF_PAGEOBJ_PATH:
                    take(sub)
        if len(out) > 4 * MAX_PATHS_PER_PAGE:
            break
    return out, boxes


# Footnote marks set as superscript characters, at the end of a word or on their own.
_MARKS = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰⁾*]+$")
_TOKEN = re.compile(r"[^\s\ufffe\x02\u00ad]+[\ufffe\x02\u00ad]?")


def _words(tp, text: str, n: int, height: float, number: int) -> tuple[list[Word], list[tuple]]:
    """Words from PDFium's text: each whitespace-separated token is measured by its first and
    last character; a token whose ends disagree (a raised footnote mark, a change of line) is
    read character by character. Characters set at 90° or 270° come back apart."""
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    box = pdfium_c.FPDFText_GetLooseCharBox
    weight = pdfium_c.FPDFText_GetFontWeight
    raw = tp.raw
    words: list[Word] = []
    turned: list[tuple] = []  # rotated characters: text, tight box, angle, baseline x, loose x0 and x1
    tight = [ctypes.c_double() for _ in range(4)]  # left, right, bottom, top
    tight_refs = [ctypes.byref(v) for v in tight]
    angle = pdfium_c.FPDFText_GetCharAngle
    for m in _TOKEN.finditer(text[:n]):
        a, e = m.start(), m.end()
        tok = m.group(0)
        if abs(math.sin(angle(raw, a))) > 0.9:  # set at 90° or 270°: a vertical head, a turned page
            for i in range(a, e):
                # the tight box: loose boxes of turned glyphs overlap along the line
                pdfium_c.FPDFText_GetCharBox(raw, i, *tight_refs)
                x0, x1, y0, y1 = (v.value for v in tight)
                pdfium_c.FPDFText_GetCharOrigin(raw, i, *tight_refs[:2])  # the glyph's baseline point
                origin = tight[0].value
                box(raw, i, ref)  # the loose box's width: the line's height, as upright words have it
                turned.append((text[i], x0, x1, height - y1, height - y0, angle(raw, i), origin, rect.left, rect.right))
            continue
        hyphen = tok[-1] in "\ufffe\x02\u00ad"
        last = e - 2 if hyphen else e - 1
        if last < a:
            continue
        box(raw, a, ref)
        x0, top0, bot0 = rect.left, height - rect.top, height - rect.bottom
        box(raw, last, ref)
        x1, top1, bot1 = rect.right, height - rect.top, height - rect.bottom
        h0, h1 = bot0 - top0, bot1 - top1
        simple = (
            h0 > 0
            and h1 > 0
            and abs(bot1 - bot0) < 0.3 * max(h0, h1)
            and h1 >= 0.8 * h0
            and x1 >= x0
            and (x1 - x0) < 2.5 * h0 * max(1, len(tok))
        )
        if simple:
            text_ = tok[:-1] + "-" if hyphen else tok
            mark = _MARKS.search(text_)
            if mark and mark.start() == 0:  # a footnote mark standing alone ("² Границы …")
                words.append(Word(text_, x0, x1, min(top0, top1), max(bot0, bot1), number, sup=True))
                continue
            if mark:  # "1 134 966²", "Туркестанская¹": the mark is never part of the word
                text_ = text_[: mark.start()]
            words.append(Word(text_, x0, x1, min(top0, top1), max(bot0, bot1), number, weight(raw, a) >= 600))
        else:
            words.extend(_chars(raw, text, a, e, height, number, box, weight, rect, ref))
    return words, turned


def _sideways(words: list[Word], turned: list[tuple]) -> bool:
    """Most of the page's characters are turned: the page itself is printed sideways."""
    return len(turned) > SIDEWAYS_SHARE * (len(turned) + sum(len(w.text) for w in words))


# The share of a page's characters set at 90° or 270° above which the page is read turned.
SIDEWAYS_SHARE = 0.6


def _turn(r: tuple, width: float, height: float, up: bool) -> tuple:
    """A box (x0, top, x1, bottom) of the page in the frame of its turned text."""
    x0, top, x1, bottom = r
    return (height - bottom, x0, height - top, x1) if up else (top, width - x1, bottom, width - x0)


def _sideways_words(chars: list[tuple], width: float, height: float, number: int, up: bool) -> list[Word]:
    """The words of a turned page in the frame its text reads in: each vertical line is a line,
    split into words where the gap along it opens."""
    out = []
    for ln in _vertical_lines(chars):
        upward = math.sin(ln[0][5]) < 0
        ln.sort(key=lambda c: -c[4] if upward else c[3])
        size = max(c[2] - c[1] for c in ln)
        words: list[list[tuple]] = [[ln[0]]]
        for prev, ch in zip(ln, ln[1:]):
            gap = (prev[3] - ch[4]) if upward else (ch[3] - prev[4])
            if gap > VERTICAL_SPACE * size:
                words.append([ch])
            else:
                words[-1].append(ch)
        x0, x1 = min(c[7] for c in ln), max(c[8] for c in ln)
        for w in words:
            top, bottom = min(c[3] for c in w), max(c[4] for c in w)
            nx0, ntop, nx1, nbottom = _turn((x0, top, x1, bottom), width, height, up)
            out.append(Word("".join(c[0] for c in w), nx0, nx1, ntop, nbottom, number))
    return out


def _vertical_lines(chars: list[tuple]) -> list[list[tuple]]:
    """Turned characters grouped by their baseline (the same for every glyph of a vertical line)."""
    lines: list[list[tuple]] = []
    for ch in sorted(chars, key=lambda c: (c[6], c[3])):
        if lines and abs(ch[6] - lines[-1][0][6]) < 1.5 and math.sin(ch[5]) * math.sin(lines[-1][0][5]) > 0:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return lines


def _vertical_words(chars: list[tuple], number: int) -> list[Word]:
    """Text set at 90° or 270° (a table's vertical heads) as one word per vertical line: its
    characters in reading order, spaces where the gap along the line opens, laid flat at the
    line's start so that the heads of one row stand on one line over their columns."""
    out = []
    for ln in _vertical_lines(chars):
        upward = math.sin(ln[0][5]) < 0  # 270°: read from the bottom up
        ln.sort(key=lambda c: -c[4] if upward else c[3])
        size = max(c[2] - c[1] for c in ln)
        text = ln[0][0]
        for prev, ch in zip(ln, ln[1:]):
            gap = (prev[3] - ch[4]) if upward else (ch[3] - prev[4])
            text += (" " if gap > VERTICAL_SPACE * size else "") + ch[0]
        start = max(c[4] for c in ln) if upward else min(c[3] for c in ln)
        x0, x1 = min(c[1] for c in ln), max(c[2] for c in ln)
        top, bottom = (start - size, start) if upward else (start, start + size)
        out.append(Word(text, x0, x1, top, bottom, number))
    return out


# A gap along a vertical line wider than this (in character heights) is a space.
VERTICAL_SPACE = 0.4


def _chars(raw, text: str, a: int, e: int, height: float, number: int, box, weight, rect, ref) -> list[Word]:
    words: list[Word] = []
    cur: Word | None = None
    prev_h = 0.0
    for i in range(a, e):
        ch = text[i]
        if ch in "\ufffe\x02\u00ad":  # PDFium's mark for a hyphen at a line end
            if cur is not None:
                cur.text += "-"
            continue
        box(raw, i, ref)
        x0, x1, top, bottom = rect.left, rect.right, height - rect.top, height - rect.bottom
        h = bottom - top
        if h <= 0:
            continue
        if cur is not None:
            ch_h = cur.bottom - cur.top
            big = max(h, ch_h)
            same_line = abs(bottom - cur.bottom) < 0.3 * big and -0.5 * big < x0 - cur.x1 < 0.3 * big
            # a footnote mark: a small raised digit after a word ("человек¹")
            raised = (ch.isdigit() or ch in "*)¹²³") and h < 0.8 * ch_h and bottom < cur.bottom - 0.15 * ch_h
            if same_line and not raised and not (cur.sup and h > 1.2 * prev_h):
                cur.text += ch
                cur.x1 = max(cur.x1, x1)
                cur.top, cur.bottom = min(cur.top, top), max(cur.bottom, bottom)
                prev_h = h
                continue
            words.append(cur)
            cur = Word(ch, x0, x1, top, bottom, number, weight(raw, i) >= 600, raised)
        else:
            cur = Word(ch, x0, x1, top, bottom, number, weight(raw, i) >= 600)
        prev_h = h
    if cur is not None:
        words.append(cur)
    return words


# A digit group: what may stand before a thousands separator, and the three digits after it
# (with an optional decimal part or a closing bracket of a ledger's negative).
_LEAD_GROUP = re.compile(r"^[(\-\u2212\u2013+]?\d{1,3}$")
_NEXT_GROUP = re.compile(r"^\d{3}(?:[.,]\d+)?\)?$")
# The widest gap (in heights of the line) a thousands separator leaves: one space of a
# monospace or proportional font; columns of a table stand further apart.
SPACE_GAP = 0.62


def join_digit_groups(words: list[Word], vrules=()) -> list[Word]:
    """Join a number whose thousands are separated by a space ("1 528 703") into one word, so
    that tables and ledgers see one value, not three. Groups join only when the gap is a space
    wide, the next group has exactly three digits, and no drawn rule (a cell border) stands
    between them."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not w.sup
            and not prev.sup
            and _NEXT_GROUP.match(w.text)
            and (_LEAD_GROUP.match(prev.text) or _JOINED.match(prev.text))
            and abs(w.bottom - prev.bottom) < 0.3 * max(w.size, prev.size)
            and 0 <= w.x0 - prev.x1 <= SPACE_GAP * max(w.size, prev.size)
            and abs(w.size - prev.size) < 0.2 * max(w.size, prev.size)
            and not any(prev.x1 - 0.5 <= r[0] <= w.x0 + 0.5 and r[1] < w.bottom and r[3] > w.top for r in vrules)
        ):
            out[-1] = Word(
                prev.text + " " + w.text,
                prev.x0,
                w.x1,
                min(prev.top, w.top),
                max(prev.bottom, w.bottom),
                prev.page,
                prev.bold and w.bold,
                spaces=(*prev.spaces, w.x0 - prev.x1),
            )
            continue
        out.append(w)
    return out


# a number already joined from groups, whose last group has no decimals yet
_JOINED = re.compile(r"^[(\-\u2212\u2013+]?\d{1,3}(?: \d{3})+$")
