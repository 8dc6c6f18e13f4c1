"""Documents in Dagster and on the command line: the inbox sensor, landing by content hash,
extraction into raw.document_figures, and `kazmig extract`."""

from __future__ import annotations

import hashlib
import json

import dagster as dg
import duckdb

from conftest import FIGURE_KEYS, NOTE, kazmig
from fixtures_pdf import new_pdf, prose_pdf


def test_inbox_sensor_lands_by_hash_and_extracts(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("KAZMIG_HOME", str(home))
    from pipelines.defs.documents import document_figures, documents, inbox_sensor

    inbox = home / "raw" / "inbox"
    inbox.mkdir(parents=True)
    pdf = prose_pdf(
        inbox / "karaganda.pdf",
        [["Численность населения Карагандинской области на 1 января 2025г. составила 1 134,8 тыс. человек."]],
    )
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()

    instance = dg.DagsterInstance.ephemeral()
    first = inbox_sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(first, dg.RunRequest)
    again = inbox_sensor(dg.build_sensor_context(instance=instance, cursor=first.run_key.removeprefix("inbox-")))
    assert isinstance(again, dg.SkipReason)  # nothing new: no second run

    from pipelines.defs.bns import WarehouseLock  # landing takes the home's writer lock

    result = dg.materialize(
        [documents, document_figures], instance=instance, resources={"warehouse_lock": WarehouseLock()}
    )
    assert result.success
    landed = home / "raw" / "documents" / f"{digest}.pdf"
    meta = json.loads(landed.with_suffix(".json").read_text())
    assert meta["name"] == "karaganda.pdf" and meta["sha256"] == digest and meta["size"] == landed.stat().st_size
    assert "landed_at" in meta and not list(inbox.iterdir())

    con = duckdb.connect(str(home / "warehouse" / "build" / "kazmig.duckdb"), read_only=True)
    rows = con.execute(
        "select document_sha256, page, position, indicator, region, value, period from raw.document_figures"
    ).fetchall()
    docs = con.execute("select name, sha256, pages, title from raw.documents").fetchall()
    con.close()
    assert rows == [(digest, 1, 0, "population", "350000000", 1134800.0, "2025-01-01")]
    assert docs == [("karaganda.pdf", digest, 1, None)]  # no metadata title, no title block: none


def _titled_pdf(path, heading: str, metadata_title: str | None = None):
    """A page with a heading set large above body text, and the PDF metadata title (or none)."""
    pdf = new_pdf()
    if metadata_title is not None:
        pdf.set_title(metadata_title)
    pdf.add_page()
    pdf.set_font("dv", "B", 18)
    pdf.multi_cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dv", "", 11)
    for text in (
        "В 2024 году из области выбыло 12 300 человек, больше, чем годом ранее.",
        "Основная часть выбывших направилась в Российскую Федерацию и Германию.",
    ):
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(path))
    return path


def test_documents_store_their_titles(tmp_path, monkeypatch):
    """raw.documents.title: the PDF's metadata title; without one (or with one that only names
    the file, as word processors write it), the document's title block."""
    home = tmp_path / "home"
    monkeypatch.setenv("KAZMIG_HOME", str(home))
    from pipelines.defs.bns import WarehouseLock
    from pipelines.defs.documents import documents

    docs = home / "raw" / "documents"
    docs.mkdir(parents=True)
    _titled_pdf(docs / "a.pdf", "Трудовая эмиграция из Акмолинской области")
    _titled_pdf(docs / "b.pdf", "Заголовок на странице", metadata_title="Миграция населения, 2024")
    _titled_pdf(docs / "c.pdf", "Выбытие населения в 2024 году", metadata_title="Microsoft Word - c.docx")
    (docs / "d.pdf").write_bytes(b"%PDF-1.7\n garbage \n%%EOF\n")  # unreadable: no title, and no failure here
    result = dg.materialize([documents], resources={"warehouse_lock": WarehouseLock()})
    assert result.success
    with duckdb.connect(str(home / "warehouse" / "build" / "kazmig.duckdb"), read_only=True) as con:
        titles = dict(con.execute("select name, title from raw.documents").fetchall())
    assert titles == {
        "a.pdf": "Трудовая эмиграция из Акмолинской области",
        "b.pdf": "Миграция населения, 2024",
        "c.pdf": "Выбытие населения в 2024 году",
        "d.pdf": None,
    }


def test_extract_cli_prints_the_notes_figures(tmp_path, shared_sources):
    expected = [
        json.loads(line)
        for line in (shared_sources / "labour_migration_note.expected.jsonl").read_text().splitlines()
        if line.strip()
    ]
    out = kazmig(tmp_path, "extract", str(NOTE)).stdout.splitlines()
    figures = [json.loads(line) for line in out]
    assert len(figures) == len(expected)
    assert FIGURE_KEYS <= set(figures[0])
    table = kazmig(tmp_path, "extract", str(NOTE), "--format", "table").stdout
    assert "labour_emigration" in table and "101622" in table.replace(" ", "")


def test_extract_cli_bad_file_is_one_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "report.pdf"
    bad.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>")
    proc = kazmig(tmp_path, "extract", str(bad), check=False)
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1 and "report.pdf" in proc.stderr
    assert proc.stdout == "" and not (tmp_path / "warehouse").exists()
