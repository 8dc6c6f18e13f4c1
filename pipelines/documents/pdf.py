"""A PDF's words with their boxes, read with PDFium (pypdfium2, installed with pdfplumber).

PDFium gives every character with its box about 17 times faster than pdfminer's parser; one
loose box per character (the font's ascent to descent, the same height for every glyph of a
size) is all the layout needs. Characters become words here; superscript footnote marks
("человек¹") are flagged so that they never join or become numbers.
"""

from __future__ import annotations

import ctypes
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
    from pipelines.documents.inflate import check as over_inflation_cap  # before PDFium inflates a stream

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
        words = _words(tp, text, n, height, number)
    finally:
        tp.close()
    rules, boxes = _rules(page, height)
    return Page(number, width, height, words, rules, boxes)


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


_TOKEN = re.compile(r"[^\s\ufffe\x02\u00ad]+[\ufffe\x02\u00ad]?")


def _words(tp, text: str, n: int, height: float, number: int) -> list[Word]:
    """Words from PDFium's text: each whitespace-separated token is measured by its first and
    last character; a token whose ends disagree (a raised footnote mark, a change of line) is
    read character by character."""
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    box = pdfium_c.FPDFText_GetLooseCharBox
    weight = pdfium_c.FPDFText_GetFontWeight
    raw = tp.raw
    words: list[Word] = []
    for m in _TOKEN.finditer(text[:n]):
        a, e = m.start(), m.end()
        tok = m.group(0)
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
            words.append(Word(text_, x0, x1, min(top0, top1), max(bot0, bot1), number, weight(raw, a) >= 600))
        else:
            words.extend(_chars(raw, text, a, e, height, number, box, weight, rect, ref))
    return words


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
            raised = (
                (ch.isdigit() or ch in "*)¹²³")
                and h < 0.8 * ch_h
                and bottom < cur.bottom - 0.15 * ch_h
                and not cur.text[-1:].isdigit()
            )
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
