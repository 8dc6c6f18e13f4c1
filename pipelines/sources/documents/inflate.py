"""How much a PDF's streams inflate to, measured before anything decompresses them whole.

A compressed content stream of a few hundred KB can inflate to hundreds of MB, and PDFium holds a
page's content decompressed while it reads it. Every stream of the file is inflated here in
small pieces that are counted and dropped, and the document is refused past a cap: per page (its
content streams) and per document (every stream). Streams are found by scanning the bytes, not
through a PDF parser, because a parser would itself decompress object and xref streams whole.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from pipelines import settings

MAX_PAGE_MB = 64  # a page's content streams, inflated (a text page's are a few hundred KB)
MAX_DOCUMENT_MB = 512  # every stream of the document, inflated (fonts, images, object streams)
_CHUNK = 1 << 16

_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_STREAM = re.compile(rb"stream\r?\n")


def limits() -> tuple[int, int]:
    """(per page, per document) in bytes; KAZMIG_PDF_MAX_PAGE_MB and KAZMIG_PDF_MAX_DOCUMENT_MB."""
    page = settings.env().pdf_max_page_mb or MAX_PAGE_MB
    doc = settings.env().pdf_max_document_mb or MAX_DOCUMENT_MB
    return int(page * (1 << 20)), int(doc * (1 << 20))


def _inflated(data: memoryview, budget: int) -> int:
    """The size `data` (zlib) inflates to, counted up to just past `budget`; a broken stream
    counts what inflated before the break (PDFium reads no more of it)."""
    d = zlib.decompressobj()
    total = 0
    try:
        for i in range(0, len(data), _CHUNK):
            piece = data[i : i + _CHUNK]
            while piece and not d.eof:
                got = len(d.decompress(piece, _CHUNK))
                total += got
                if total > budget:
                    return total
                if not got and len(d.unconsumed_tail) == len(piece):
                    break  # no progress: nothing more comes out of this piece
                piece = d.unconsumed_tail
            if d.eof:  # what follows the end of the zlib data is not part of the stream
                break
    except zlib.error:
        pass
    return total


def stream_sizes(data: bytes, budget: int) -> tuple[dict[int, int], int]:
    """({object number: inflated size of its stream}, total), stopping once total > budget."""
    sizes: dict[int, int] = {}
    total = 0
    view = memoryview(data)
    pos = 0
    while total <= budget:
        m = _OBJ.search(data, pos)
        if not m:
            break
        nxt = _OBJ.search(data, m.end())
        end_obj = nxt.start() if nxt else len(data)
        s = _STREAM.search(data, m.end(), end_obj)
        if s is None:
            pos = m.end()
            continue
        head = data[m.end() : s.start()]
        stop = data.find(b"endstream", s.end())
        stop = len(data) if stop < 0 else stop
        raw = view[s.end() : stop]
        size = _inflated(raw, budget - total) if b"/FlateDecode" in head or b"/Fl " in head else len(raw)
        objnum = int(m[1])
        sizes[objnum] = sizes.get(objnum, 0) + size
        total += size
        pos = max(stop, m.end())
    return sizes, total


def _page_contents(path: Path) -> list[list[int]]:
    """Per page, the object numbers of its content streams (empty when the file's page tree
    cannot be read here: PDFium then says what is wrong with it)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef

    out = []
    try:
        with open(path, "rb") as f:
            doc = PDFDocument(PDFParser(f))
            for page in PDFPage.create_pages(doc):
                refs = page.attrs.get("Contents")
                refs = refs if isinstance(refs, list) else [refs]
                out.append([r.objid for r in refs if isinstance(r, PDFObjRef)])
    except Exception:  # noqa: BLE001 - any parser failure: the per-document cap still holds
        return []
    return out


def check(path: Path) -> str | None:
    """Why the PDF inflates past a cap (one line, without the file name), or None."""
    page_cap, doc_cap = limits()
    data = Path(path).read_bytes()
    sizes, total = stream_sizes(data, doc_cap)
    if total > doc_cap:
        return (
            f"its streams inflate to more than {doc_cap >> 20} MB, the limit of a document (KAZMIG_PDF_MAX_DOCUMENT_MB)"
        )
    if max(sizes.values(), default=0) <= page_cap:
        return None  # no page can be over its cap: skip reading the page tree
    for number, objids in enumerate(_page_contents(Path(path)), 1):
        if sum(sizes.get(o, 0) for o in objids) > page_cap:
            return (
                f"page {number}'s content inflates to more than {page_cap >> 20} MB, the limit of a page "
                "(KAZMIG_PDF_MAX_PAGE_MB)"
            )
    return None
