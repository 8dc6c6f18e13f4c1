"""The build database: the only DuckDB file that assets write to."""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Sequence

import duckdb

if TYPE_CHECKING:
    import pandas as pd

from pipelines import settings
from pipelines.warehouse import build_state


@contextmanager
def connect_build() -> Iterator[duckdb.DuckDBPyConnection]:
    path = settings.build_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    build_state.invalidate()  # written again only by a build that completes and publishes
    con = duckdb.connect(str(path))
    try:
        yield con
    finally:
        con.close()


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                  columns: Sequence[tuple[str, str]]) -> int:
    """Replace `table` (schema.name) with `frame`, typed by `columns` so an empty frame still
    yields a table with the agreed schema (dbt sources must always exist)."""
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    cols = ", ".join(f'"{name}" {sqltype}' for name, sqltype in columns)
    con.execute(f"create or replace table {table} ({cols})")
    if len(frame):
        frame = frame.reindex(columns=[name for name, _ in columns])
        con.register("_frame", frame)
        select = ", ".join(f'cast("{name}" as {sqltype})' for name, sqltype in columns)
        con.execute(f"insert into {table} select {select} from _frame")
        con.unregister("_frame")
    return len(frame)


def table_counts(path, schemas: Sequence[str]) -> dict[str, int]:
    """Row counts of every table in `schemas` of the database at `path`, opened read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' order by 1",
            [list(schemas)],
        ).fetchall()
        return {n: con.execute(f"select count(*) from {n}").fetchall()[0][0] for (n,) in names}
    finally:
        con.close()
