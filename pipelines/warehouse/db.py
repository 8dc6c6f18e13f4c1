"""The build database: the only DuckDB file that assets write to."""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

from pipelines import settings

# A build killed while dbt ran leaves dbt's process to finish on its own (it holds the build
# database until it exits, seconds later); the next build waits for it rather than failing.
LOCK_WAIT_SECONDS = 120

# Op tag of every step that writes the build database: DuckDB allows one writer process, so a run
# whose steps are processes (the build_multiprocess job) runs these one at a time.
DUCKDB_WRITER = {"kazmig/duckdb": "writer"}


@contextmanager
def connect_build() -> Iterator[duckdb.DuckDBPyConnection]:
    path = settings.build_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        yield con
    finally:
        con.close()


def replace_table(
    con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> int:
    """Replace `table` (schema.name) with `rows` (dicts), typed by `columns` so no rows still
    yield a table with the agreed schema (dbt sources must always exist).

    The rows reach DuckDB as newline-delimited JSON of text values, cast by DuckDB: importing
    pandas to hand them over cost half a second of every build."""
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    cols = ", ".join(f'"{name}" {sqltype}' for name, sqltype in columns)
    con.execute(f"create or replace table {table} ({cols})")
    return append_rows(con, table, rows, columns)


def append_rows(
    con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> int:
    """Append `rows` (dicts) to `table`, whose columns are `columns`, as replace_table loads them."""
    if rows:
        names = [name for name, _ in columns]
        fd, tmp = tempfile.mkstemp(prefix=".rows-", suffix=".jsonl", dir=settings.build_db().parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps({n: _text(row.get(n)) for n in names}, ensure_ascii=False))
                    f.write("\n")
            as_text = ", ".join(f"'{name}': 'VARCHAR'" for name in names)
            select = ", ".join(f'cast("{name}" as {sqltype})' for name, sqltype in columns)
            con.execute(
                f"insert into {table} select {select} from read_json(?, format = 'newline_delimited', "
                f"columns = {{{as_text}}})",
                [tmp],
            )
        finally:
            os.unlink(tmp)
    return len(rows)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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


def table_shapes(path) -> dict[tuple[str, str], tuple[int, list[tuple[str, str]]]]:
    """(schema, table) -> (row count, [(column, DuckDB type)] in column order), for every table
    and view of the database at `path`: read through one read-only connection."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, sqltype in con.execute(
            "select schema_name, table_name, column_name, data_type from duckdb_columns() "
            "where database_name = current_database() and not internal order by schema_name, table_name, column_index"
        ).fetchall():
            columns.setdefault((schema, table), []).append((column, sqltype))
        return {
            key: (con.execute(f'select count(*) from "{key[0]}"."{key[1]}"').fetchall()[0][0], cols)
            for key, cols in columns.items()
        }
    finally:
        con.close()
