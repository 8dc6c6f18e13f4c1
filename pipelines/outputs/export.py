"""Every mart as Parquet or CSV, for tools without a DuckDB driver."""
from __future__ import annotations

from pathlib import Path

from pipelines.outputs.query import connect_published


def export_marts(out_dir: Path, fmt: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect_published(safe=False)  # our own COPY statements, not user SQL
    written = []
    try:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        for name in marts:
            target = out_dir / f"{name}.{fmt}"
            tmp = target.with_name(f".{target.name}.tmp")
            options = "format parquet" if fmt == "parquet" else "format csv, header true"
            quoted = tmp.as_posix().replace("'", "''")
            con.execute(f"copy marts.\"{name}\" to '{quoted}' ({options})")
            tmp.replace(target)
            written.append(target)
    finally:
        con.close()
    return written
