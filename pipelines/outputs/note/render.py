"""`kazmig note`: the regional note as HTML (self-contained: inline CSS, charts as inline pictures)
and DOCX (python-docx, for analysts who edit in Word), from the published warehouse read-only."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import settings
from pipelines.files import atomic_write
from pipelines.outputs import charts as draw
from pipelines.outputs.note import russian as ru
from pipelines.outputs.note.compose import Figure, Note, Paragraph, compose, document_named
from pipelines.outputs.note.data import NoteData, load
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
    charts = all_charts(d)
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


def _value(v, unit: str | None = None) -> str:
    if v is None:
        return ""
    f = float(v)
    text = ru.number(f).replace(ru.NBSP, " ")
    # a ratio reads as the note's prose says it ("в 1,4 раза"): a bare 1,4 is no figure a reader can place
    return f"в {text} {ru.agree('раз', f)}" if unit == "ratio" else text


# --- the two charts, as pictures like the note's own (the shared chart code, in Russian) -----------


def _number(v: float, decimals: int | None = None) -> str:
    """A chart's number: '140 521', '55,2' (a plain space: a picture's line does not break)."""
    return (ru.count(v) if decimals is None else ru.decimal(v, decimals)).replace(ru.NBSP, " ")


def destinations_figure(d: NoteData):
    """Persons by destination: the named countries and, where they do not sum to the national
    total, one "Другие страны" bar for the rest."""
    fig, _rows = draw.destinations_figure(
        d.destinations,
        width=6.3,
        name=lambda r: r["country_name_ru"],
        other="Другие страны",
        text=lambda r: _number(float(r["emigrants"])),
        number=_number,
        x_label="человек",
        y_label="страна назначения",
        left=0.25,
        right=0.9,
        top=0.95,
        bottom=0.22,
    )
    return fig


def departures_figure(d: NoteData):
    """Departures by year on a time axis, in thousands."""
    rows = [r for r in d.trend if r["departures"] is not None]
    if not rows:
        return None
    fig, ax = draw.figure((6.3, 3.0), left=0.12, right=0.97, top=0.92, bottom=0.17)
    draw.bars_by_year(ax, rows, "departures", text=lambda r: _number(float(r["departures"]) / 1000, 1), scale=1000)
    ax.set_ylim(0, max(float(r["departures"]) for r in rows) / 1000 * 1.2)
    draw.axis_numbers(ax, lambda v: _number(v, 0), "y")
    draw.labels(ax, "год", "тыс. человек")
    return fig


def all_charts(d: NoteData) -> dict[str, bytes]:
    """{name: PNG} of the charts the note has data for."""
    figures = {"destinations": destinations_figure(d), "departures": departures_figure(d)}
    return {name: draw.png(fig) for name, fig in figures.items() if fig is not None}


def note_html(note: Note, charts: dict[str, bytes]) -> str:
    from pipelines.templates import environment

    env = environment(Path(__file__).with_name("templates"), value=_value)
    return env.get_template("note.html.j2").render(
        note=note,
        status=STATUS_RU,
        named=document_named,
        charts={k: base64.b64encode(v).decode("ascii") for k, v in charts.items()},
    )


def note_docx(note: Note, charts: dict[str, bytes]):
    """A4, the note's look in named styles an analyst edits in Word (Normal, Body Text, Caption,
    Heading 1/2, Footnote Text), and every source as a Word footnote at the foot of its page."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm, Pt, RGBColor

    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        styles[name].font.name = "Times New Roman"
        styles[name].font.size = Pt(size)
        styles[name].font.color.rgb = RGBColor(0, 0, 0)
    styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    body = styles["Body Text"]
    body.base_style = normal
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1.25)
    body.paragraph_format.space_after = Pt(6)
    caption = styles["Caption"]
    caption.font.name, caption.font.size, caption.font.italic, caption.font.bold = (
        "Times New Roman",
        Pt(11),
        True,
        False,
    )
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footnote_text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    footnote_text.base_style = normal
    footnote_text.font.size = Pt(10)
    footnote_text.paragraph_format.space_after = Pt(0)
    footnote_ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    footnote_ref.font.superscript = True
    for section in doc.sections:  # A4, the margins of a Kazakh ministry's note (ST RK 1.5)
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    doc.core_properties.title = note.title
    doc.core_properties.author = ""
    doc.add_heading(note.title, level=1)
    for block in note.blocks:
        if isinstance(block, str):
            doc.add_picture(io.BytesIO(charts[block]), width=Cm(16))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        if block.kind == "chart":
            doc.add_paragraph(block.plain(), style="Caption")
            continue
        p = doc.add_paragraph(style="Body Text")
        for part in block.parts:
            if isinstance(part, Figure):
                p.add_run(part.text)
                _footnote_reference(p, part.number)
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
                    document_named(c["document_title"], c["document_name"]),
                    str(c["page"]),
                    c["indicator_name_ru"] or c["indicator"],
                    c["period"] or "",
                    _value(c["claimed_value"], c["unit"]),
                    _value(c["official_value"], c["unit"]),
                    STATUS_RU[c["status"]],
                ),
            ):
                cell.text = text or ""
    else:
        doc.add_paragraph("Документов с показателями региона нет.", style="Body Text")
    _footnotes_part(doc, note.footnotes)
    return doc


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _footnote_reference(paragraph, number: int) -> None:
    """<w:footnoteReference> in a run of the Footnote Reference style: Word numbers it itself."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    run.style = "Footnote Reference"
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(number))
    run.element.append(ref)  # Run.element: python-docx's public handle on the run's XML


def _footnotes_part(doc, footnotes: list[str]) -> None:
    """word/footnotes.xml (python-docx writes no footnotes of its own): the two separators Word
    expects, then one footnote per source, related to the document part."""
    from xml.sax.saxutils import escape

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    def para(inner: str) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>{inner}</w:p>'

    notes = [
        f'<w:footnote w:type="separator" w:id="-1">{para("<w:r><w:separator/></w:r>")}</w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0">'
        f"{para('<w:r><w:continuationSeparator/></w:r>')}</w:footnote>",
    ]
    for i, text in enumerate(footnotes, 1):
        notes.append(
            f'<w:footnote w:id="{i}">'
            + para(
                '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r>'
            )
            + "</w:footnote>"
        )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{_W}">{"".join(notes)}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"), _FOOTNOTES_TYPE, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
