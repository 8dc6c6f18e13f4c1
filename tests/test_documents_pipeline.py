"""Documents in Dagster and on the command line: the inbox sensor, landing by content hash,
extraction into raw.document_figures, and `kazmig extract`."""

from __future__ import annotations

import hashlib
import json

import dagster as dg
import duckdb

from conftest import FIGURE_KEYS, NOTE, kazmig
from fixtures_pdf import prose_pdf


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
    docs = con.execute("select name, sha256, pages from raw.documents").fetchall()
    con.close()
    assert rows == [(digest, 1, 0, "population", "350000000", 1134800.0, "2025-01-01")]
    assert docs == [("karaganda.pdf", digest, 1)]


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
