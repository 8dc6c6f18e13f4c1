"""Every mart as Parquet or CSV for tools without a DuckDB driver, or the statistics in open
formats: SDMX-CSV with its data structure definition, a Frictionless data package."""

from __future__ import annotations

from pathlib import Path

from pipelines.outputs.query import connect_published

FORMATS = ["parquet", "csv", "sdmx-csv", "datapackage"]


def export_marts(out_dir: Path, fmt: str, notes: list[str] | None = None) -> list[Path]:
    """The files written; `notes` receives what a reader of the export should know."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect_published(safe=False)  # our own COPY statements, not user SQL
    try:
        if fmt == "sdmx-csv":
            from pipelines.outputs.exports.sdmx import export_sdmx

            result = export_sdmx(con, out_dir)
            if notes is not None and result.left_out:
                notes.append(
                    f"{result.observations} observations written; {result.left_out} without a period "
                    f"left out (an SDMX observation needs a TIME_PERIOD)"
                )
            return [result.data, result.structure]
        if fmt == "datapackage":
            from pipelines.outputs.exports.datapackage import export_datapackage

            return export_datapackage(con, out_dir)
        marts = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        written = []
        for name in marts:
            target = out_dir / f"{name}.{fmt}"
            tmp = target.with_name(f".{target.name}.tmp")
            options = "format parquet" if fmt == "parquet" else "format csv, header true"
            quoted = tmp.as_posix().replace("'", "''")
            con.execute(f"copy marts.\"{name}\" to '{quoted}' ({options})")
            tmp.replace(target)
            written.append(target)
        return written
    finally:
        con.close()
