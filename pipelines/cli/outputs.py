"""The commands that read the published warehouse: query, export, serve, report, note, docs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipelines.cli.exits import command, os_error, shown


@command("query", "run read-only SQL against the published warehouse")
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def query(sql: str, fmt: str) -> int:
    import threading

    import duckdb

    from pipelines.outputs.query import Limits, QueryLimit, WarehouseMissing, format_rows, run_query

    limits = Limits.from_env()
    limits.cap_process()

    def hard_stop() -> None:  # DuckDB did not honour the interrupt (a long C call): stop the process
        print(
            f"kazmig query: stopped after {limits.seconds:g} s, the time limit (KAZMIG_QUERY_TIMEOUT)", file=sys.stderr
        )
        sys.stderr.flush()
        os._exit(1)

    watchdog = threading.Timer(limits.seconds + 5, hard_stop)
    watchdog.daemon = True
    watchdog.start()
    try:
        columns, rows = run_query(sql, limits=limits)
    except WarehouseMissing as exc:
        print(f"kazmig query: {exc}", file=sys.stderr)
        return 2
    except QueryLimit as exc:
        print(f"kazmig query: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"kazmig query: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except MemoryError:
        print(
            f"kazmig query: the query needs more than {limits.memory_mb} MB, the memory limit "
            "(KAZMIG_QUERY_MEMORY_MB); aggregate or filter more",
            file=sys.stderr,
        )
        return 1
    finally:
        watchdog.cancel()
    print(format_rows(columns, rows, fmt))
    return 0


@command("export", "write every mart as Parquet or CSV, or the statistics as SDMX-CSV or a data package")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "sdmx-csv", "datapackage"]), default="parquet")
@click.option("--out", default="export", help="output folder (default: ./export)")
def export(fmt: str, out: str) -> int:
    from pipelines.outputs.exports.files import export_marts
    from pipelines.outputs.query import WarehouseMissing

    notes: list[str] = []
    try:
        written = export_marts(Path(out), fmt, notes)
    except WarehouseMissing as exc:
        print(f"kazmig export: {shown(exc)}", file=sys.stderr)
        return 2
    except (FileExistsError, NotADirectoryError) as exc:  # --out names a file: a usage error
        print(f"kazmig export: {os_error(exc)}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    for note in notes:
        print(f"kazmig export: {note}", file=sys.stderr)
    return 0


@command("serve", "serve the published warehouse to PostgreSQL (KAZMIG_POSTGRES_URL) now")
def serve() -> int:
    from pipelines import settings
    from pipelines.outputs.query import WarehouseMissing, connect_published
    from pipelines.outputs.serving.postgres import ServingError, describe, serve_published

    url = settings.postgres_url()
    if not url:
        print(
            "kazmig serve: KAZMIG_POSTGRES_URL is not set (the writer's URL, see scripts/postgres-roles.sql)",
            file=sys.stderr,
        )
        return 2
    try:
        connect_published().close()  # says so when there is nothing published yet
        served = serve_published(url)
    except (WarehouseMissing, ServingError, ValueError) as exc:
        print(f"kazmig serve: {exc}", file=sys.stderr)
        return 1
    print(
        f"served release {served.release} to {describe(url)}: {len(served.rows)} tables, "
        f"{sum(served.rows.values())} rows"
    )
    for pid, user in served.terminated:
        print(f"ended session {pid} of {user}: it held the live tables idle in a transaction")
    return 0


@command("report", "charts (PNG, SVG) and one self-contained HTML page from the marts")
@click.option("--out", metavar="DIR", help="output folder (default: $KAZMIG_HOME/warehouse/report)")
@click.option("--year", type=int, metavar="YYYY", help="year of the destinations chart (default: the latest)")
@click.option("--region", metavar="KATO", help="region of the outflow trend (default: 110000000, Akmola)")
def report(out: str | None, year: int | None, region: str | None) -> int:
    from pipelines.outputs.query import WarehouseMissing
    from pipelines.outputs.report.data import ReportError
    from pipelines.outputs.report.render import render_report

    try:
        result = render_report(Path(out) if out else None, year=year, region=region)
    except (WarehouseMissing, ReportError) as exc:
        print(f"kazmig report: {shown(exc)}", file=sys.stderr)
        return 2
    for path in result.files:
        print(path)
    return 0


@command("note", "draft the regional note (Russian, DOCX and HTML) from the marts")
@click.option("--region", required=True, metavar="KATO", help="the region, e.g. 110000000 (Akmola)")
@click.option("--year", type=int, metavar="YYYY", help="the note's year (default: the latest year of destinations)")
@click.option("--out", metavar="DIR", help="output folder (default: $KAZMIG_HOME/warehouse/notes)")
@click.option("--pdf", is_flag=True, help="also print the HTML to PDF with headless Chromium")
def note(region: str, year: int | None, out: str | None, pdf: bool) -> int:
    from pipelines.outputs.note.data import NoteError
    from pipelines.outputs.note.pdf import PdfError, print_pdf
    from pipelines.outputs.note.render import write_note
    from pipelines.outputs.query import WarehouseMissing

    try:
        result = write_note(region, year=year, out=Path(out) if out else None)
        if pdf:
            result.files.append(print_pdf(result.html, result.html.with_suffix(".pdf")))
    except (WarehouseMissing, NoteError, PdfError) as exc:
        print(f"kazmig note: {shown(exc)}", file=sys.stderr)
        return 2
    for path in result.files:
        print(path)
    return 0


@command("docs", "write the marts reference (from sql/models/marts/*.yml) into docs/marts.md")
@click.option("--check", is_flag=True, help="only check that docs/marts.md is up to date")
def docs(check: bool) -> int:
    from pipelines.outputs.report.marts_doc import REFERENCE, marts_reference, readme_block, write_readme

    if check:
        if readme_block() != marts_reference():
            print(f"kazmig docs: the marts reference in {REFERENCE} is stale; run `kazmig docs`", file=sys.stderr)
            return 1
        print(f"{REFERENCE}: marts reference up to date")
        return 0
    print(f"{REFERENCE}: {'marts reference rewritten' if write_readme() else 'marts reference unchanged'}")
    return 0
