"""A document's title, as a reader cites it: the PDF's own metadata title when it has a real one,
else the first title block of its first pages (document.build's "title")."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium

from . import document, inflate
from .pdf import _page

FIRST_PAGES = 2  # a title stands on the first page; the second lets running heads show as furniture

# metadata titles that name the file or the tool, not the document ("Microsoft Word - note.docx")
_NOT_A_TITLE = re.compile(r"^(microsoft \w+ - |untitled\b|без названия\b)|\.(docx?|odt|pdf|rtf|xlsx?|html?)$", re.I)


def document_title(path: str | Path) -> str | None:
    """The title of the PDF at `path`, or None when it has neither a metadata title nor a title
    block (or cannot be read: its extraction reports why)."""
    path = Path(path)
    try:
        if inflate.check(path):  # refused before PDFium inflates anything (the extractor says why)
            return None
        doc = pdfium.PdfDocument(str(path))
    except Exception:
        return None
    try:
        meta = _clean(doc.get_metadata_dict().get("Title"))
        if meta and meta != path.stem and not _NOT_A_TITLE.search(meta):
            return meta
        pages = []
        for i in range(min(len(doc), FIRST_PAGES)):
            page = doc[i]
            try:
                pages.append(_page(page, i + 1, path.name))
            finally:
                page.close()
    except Exception:
        return None
    finally:
        doc.close()
    blocks = document.build(pages) if any(p.words for p in pages) else []
    return next((_clean(b.text) for b in blocks if b.kind == "title" and _clean(b.text)), None)


def _clean(text: str | None) -> str | None:
    """One line, single spaces, no surrounding quotes (the citation sets its own «»)."""
    text = re.sub(r"\s+", " ", (text or "").replace("\x00", "")).strip().strip("«»\"'“”„ ")
    return text or None
