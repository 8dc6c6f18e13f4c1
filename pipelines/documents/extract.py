"""Entry point: a PDF in, typed and traceable figures out.

    from pipelines.documents.extract import extract_figures
    for f in extract_figures("note.pdf"):
        print(f.to_dict())
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from . import layout, prose, tables
from .numbers import plain

# Bump whenever a rule changes what is extracted (used as a cache key).
EXTRACTOR_VERSION = "2025.2"

log = logging.getLogger(__name__)


class DocumentError(Exception):
    """A file that cannot be read as a PDF with a text layer. The message is one line."""


@dataclass
class Figure:
    indicator: str
    value: int | float
    unit: str
    period: str | None
    region: str | None
    country: str | None
    occupation: str | None
    page: int
    text: str
    precision: int | float
    position: int

    def to_dict(self) -> dict:
        return asdict(self)


def _check_file(path: Path) -> None:
    name = path.name
    try:
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


def _open(path: Path):
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    name = path.name
    try:
        pdf = layout.open_pdf(path)
        pdf.pages  # forces parsing of the page tree
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise DocumentError(f"{name}: encrypted PDF") from None
    except Exception as e:  # pdfminer raises many kinds on damaged files
        inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e  # pdfplumber wraps
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise DocumentError(f"{name}: encrypted PDF") from None
        text = str(inner).strip()
        msg = f"{type(inner).__name__}: {text.splitlines()[0][:100]}" if text else type(inner).__name__
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise DocumentError(f"{name}: encrypted PDF") from None
        raise DocumentError(f"{name}: unreadable PDF ({msg})") from None
    if getattr(pdf.doc, "encryption", None):
        log.info("%s: encrypted with an empty user password; reading it", name)
    return pdf


def extract_figures(path: str | Path) -> list[Figure]:
    path = Path(path)
    _check_file(path)
    pdf = _open(path)
    try:
        return _extract(pdf, path.name)
    except DocumentError:
        raise
    except Exception as e:
        if e.__class__.__module__.startswith(("pdfminer", "pdfplumber")):
            raise DocumentError(f"{path.name}: unreadable PDF ({type(e).__name__}: {str(e).splitlines()[0][:100] if str(e) else ''})") from None
        raise
    finally:
        pdf.close()


def _extract(pdf, name: str) -> list[Figure]:
    if not pdf.pages:
        raise DocumentError(f"{name}: PDF has no pages")
    lines: list[layout.Line] = []
    found_tables: list[tuple[int, object]] = []
    any_chars = False
    for page in pdf.pages:
        if page.chars:
            any_chars = True
        tbls = tables.page_tables(page)
        boxes = [t.bbox for t in tbls]
        lines += layout.page_lines(page, boxes)
        found_tables += [(page.page_number, t) for t in tbls]
    if not any_chars:
        raise DocumentError(f"{name}: no text layer (image-only?)")
    lines = layout.drop_furniture(lines, {p.page_number: float(p.height) for p in pdf.pages})

    # prose
    state = prose.DocState()
    keyed: list[tuple[tuple, dict]] = []
    segs = layout.segments_of(layout.blocks_of(lines))
    for si, seg in enumerate(segs):
        for rf in prose.extract_segment(seg.text, state):
            page, top = seg.where[min(rf.offset, len(seg.where) - 1)]
            keyed.append(((page, top, si, rf.offset), dict(
                indicator=rf.indicator, value=plain(rf.value), unit=rf.unit, period=rf.period,
                region=rf.region, country=rf.country, occupation=rf.occupation, page=page,
                text=rf.text, precision=plain(rf.precision))))
    # tables
    for pno, t in found_tables:
        rows, tops = tables.table_rows(t)
        cap = tables.caption_above(lines, t.bbox[1], pno)
        for j, tf in enumerate(tables.extract_table(rows, cap, pno, tops, _region_before(lines, pno, t.bbox[1]))):
            keyed.append(((pno, tf.top, -1, j), dict(
                indicator=tf.indicator, value=plain(tf.value), unit=tf.unit, period=tf.period,
                region=tf.region, country=None, occupation=None, page=pno, text=tf.text,
                precision=plain(tf.precision))))
    keyed.sort(key=lambda kv: kv[0])
    return [Figure(position=i, **d) for i, (_, d) in enumerate(keyed)]


def _region_before(lines, page: int, top: float) -> str | None:
    """The last region named in the text before a table (for tables of one region)."""
    from .entities import find_regions

    region = None
    for ln in lines:
        if (ln.page, ln.top) >= (page, top):
            break
        ms = [m for m in find_regions(ln.text) if m.strong]
        if ms:
            region = ms[-1].code
    return region


def format_table(figures: list[Figure]) -> str:
    """Plain-text table for the CLI's --format table."""
    cols = ["#", "page", "indicator", "value", "unit", "period", "region", "country", "occupation", "precision"]
    rows = [[str(f.position), str(f.page), f.indicator, f"{f.value:,}".replace(",", " "), f.unit,
             f.period or "", f.region or "", f.country or "", f.occupation or "", f"{f.precision:g}"]
            for f in figures]
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(cols)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    out = [fmt.format(*cols), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r) for r in rows]
    return "\n".join(out)
