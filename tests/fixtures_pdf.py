"""Builds small real PDFs for the extractor tests (fpdf2 + the DejaVu font matplotlib ships)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
SANS = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
SANS_ITALIC = FONT_DIR / "DejaVuSans-Oblique.ttf"


def new_pdf() -> FPDF:
    """A4 document with DejaVu (regular, bold, italic) registered as "dv"."""
    pdf = FPDF(format="A4")
    pdf.add_font("dv", "", str(SANS))
    pdf.add_font("dv", "B", str(SANS_BOLD))
    pdf.add_font("dv", "I", str(SANS_ITALIC))
    pdf.set_font("dv", size=11)
    pdf.set_auto_page_break(True, margin=15)
    return pdf


def prose_pdf(path: os.PathLike, pages: list[list[str]], width: float = 0) -> Path:
    """One list of paragraphs per page. A "\\n" inside a paragraph forces a line break (to
    split numbers and words across lines); a paragraph starting with "~" is an italic caption."""
    pdf = new_pdf()
    for paragraphs in pages:
        pdf.add_page()
        for para in paragraphs:
            if para.startswith("~"):
                pdf.set_font("dv", "I", 11)
                para = para[1:]
            pdf.multi_cell(width, 6, para, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("dv", "", 11)
            pdf.ln(4)
    pdf.output(str(path))
    return Path(path)


def table_pdf(
    path: os.PathLike,
    caption: str,
    header: list[str],
    rows: list[list[str]],
    bold_rows: tuple[int, ...] = (0,),
    before: str = "",
    after: str = "",
) -> Path:
    """A bureau-style ruled table with a caption above it; `bold_rows` index into `rows`."""
    pdf = new_pdf()
    pdf.add_page()
    if before:
        pdf.multi_cell(0, 6, before, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.set_font("dv", "B", 11)
    pdf.multi_cell(0, 6, caption, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("dv", "", 10)
    pdf.ln(2)
    with pdf.table(first_row_as_headings=False, text_align="LEFT", line_height=6) as table:
        r = table.row()
        for h in header:
            r.cell(h, style=FontFace(emphasis="BOLD"))
        for i, row in enumerate(rows):
            r = table.row()
            for cell in row:
                r.cell(cell, style=FontFace(emphasis="BOLD") if i in bold_rows else None)
    if after:
        pdf.set_font("dv", "", 11)
        pdf.ln(4)
        pdf.multi_cell(0, 6, after, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return Path(path)


def encrypted_pdf(path: os.PathLike) -> Path:
    pdf = new_pdf()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.multi_cell(0, 6, "Численность населения составила 100 тыс. человек.")
    pdf.output(str(path))
    return Path(path)


def image_only_pdf(path: os.PathLike) -> Path:
    """Drawn shapes and an embedded raster image, no text at all."""
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(200, 30, 30)
    pdf.rect(20, 20, 100, 40, style="F")
    pdf.circle(x=60, y=120, radius=20, style="D")
    img = Image.new("RGB", (60, 30), (20, 120, 200))
    pdf.image(img, x=20, y=160, w=60)
    pdf.output(str(path))
    return Path(path)
