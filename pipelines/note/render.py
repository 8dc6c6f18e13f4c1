"""`kazmig note`: the regional note as HTML (self-contained: inline CSS, charts as inline pictures)
and DOCX (python-docx, for analysts who edit in Word), from the published warehouse read-only."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import settings
from pipelines.files import atomic_write
from pipelines.note import charts as note_charts
from pipelines.note.compose import Figure, Note, Paragraph, compose
from pipelines.note.data import NoteData, load
from pipelines.outputs.query import connect_published

STATUS_RU = {
    "confirmed": "подтверждено",
    "rounding_difference": "расхождение в пределах округления",
    "mismatch": "расхождение",
    "no_official_data": "нет данных БНС",
}


def default_out() -> Path:
    return settings.warehouse_dir() / "notes"


@dataclass
class NoteResult:
    note: Note
    html: Path
    docx: Path
    files: list[Path] = field(default_factory=list)


def write_note(region: str, year: int | None = None, out: Path | None = None, db: Path | None = None) -> NoteResult:
    con = connect_published(db or settings.published_db())
    try:
        d = load(con, region, year)
    finally:
        con.close()
    return write_drafted(d, Path(out) if out else default_out())


def write_drafted(d: NoteData, out: Path) -> NoteResult:
    note = compose(d)
    charts = note_charts.all_charts(d)
    note.blocks = [b for b in note.blocks if not isinstance(b, str) or b in charts]
    note.blocks = [
        b
        for i, b in enumerate(note.blocks)  # a chart's caption goes with its chart
        if not (isinstance(b, Paragraph) and b.kind == "chart" and not isinstance(note.blocks[i - 1], str))
    ]
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"note-{d.region}-{d.year}"
    files = []
    for name, png in charts.items():
        path = stem.with_name(f"{stem.name}-{name}.png")
        with atomic_write(path, "wb") as f:
            f.write(png)
        files.append(path)
    html, docx = stem.with_suffix(".html"), stem.with_suffix(".docx")
    with atomic_write(html, "w", encoding="utf-8") as f:
        f.write(note_html(note, charts))
    with atomic_write(docx, "wb") as f:
        note_docx(note, charts).save(f)
    return NoteResult(note=note, html=html, docx=docx, files=[docx, html, *files])


def _value(v) -> str:
    from pipelines.note import russian as ru

    if v is None:
        return ""
    f = float(v)
    return (ru.count(f) if f.is_integer() else ru.decimal(f, 3).rstrip("0").rstrip(",")).replace(ru.NBSP, " ")


def note_html(note: Note, charts: dict[str, bytes]) -> str:
    from pipelines.templates import environment

    env = environment(Path(__file__).with_name("templates"), value=_value)
    return env.get_template("note.html.j2").render(
        note=note, status=STATUS_RU, charts={k: base64.b64encode(v).decode("ascii") for k, v in charts.items()}
    )


def note_docx(note: Note, charts: dict[str, bytes]):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    for section in doc.sections:
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    doc.core_properties.title = note.title
    doc.core_properties.author = "kazmig note"
    doc.add_heading(note.title, level=1)
    for block in note.blocks:
        if isinstance(block, str):
            doc.add_picture(io.BytesIO(charts[block]), width=Cm(16))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        p = doc.add_paragraph()
        if block.kind == "chart":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(block.plain()).italic = True
            continue
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Cm(1.25)
        for part in block.parts:
            if isinstance(part, Figure):
                p.add_run(part.text)
                p.add_run(f"[{part.number}]").font.superscript = True
            else:
                p.add_run(part)
    doc.add_heading("Приложение. Показатели документов о регионе и их проверка по данным БНС", level=2)
    if note.annex:
        table = doc.add_table(rows=1, cols=7)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("Документ", "Стр.", "Показатель", "Период", "В документе", "БНС", "Проверка")
        ):
            cell.text = text
        for c in note.annex:
            cells = table.add_row().cells
            for cell, text in zip(
                cells,
                (
                    c["document_name"],
                    str(c["page"]),
                    c["indicator_name_ru"] or c["indicator"],
                    c["period"] or "",
                    _value(c["claimed_value"]),
                    _value(c["official_value"]),
                    STATUS_RU[c["status"]],
                ),
            ):
                cell.text = text or ""
    else:
        doc.add_paragraph("Документов с показателями региона в хранилище нет.")
    doc.add_heading("Источники", level=2)
    for i, text in enumerate(note.footnotes, 1):
        para = doc.add_paragraph(f"[{i}] {text}")
        for run in para.runs:
            run.font.size = Pt(8)
    return doc
