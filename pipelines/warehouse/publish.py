"""Publication: the build database becomes the published warehouse by one atomic rename.

The published file is a copy written in an older storage format (STORAGE_VERSION), so DuckDB 1.4
and 1.5 clients (DBeaver's and Evidence's JDBC drivers, Node's @duckdb/node-api, ibis on 1.x) open
it as well as 2.0; the build database keeps DuckDB 2.0's own format. Readers that hold the old
file open keep their (unlinked) inode and see the new data when they reconnect; a build that fails
before this step never touches the published file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.files import atomic_replace
from pipelines.messages import out_of_memory

# The oldest format DuckDB 2.0 writes that 1.4 and 1.5 read (2.0's own, version 69, they refuse).
STORAGE_VERSION = "v1.4.0"
# Rows copied per transaction. A transaction's commit does not spill (it builds the table's
# primary-key index in memory): 1.85 million rows of core.fct_observation failed to commit within
# 256 MB, 1 million did. A table no longer than this is copied in one statement.
CHUNK_ROWS = 1_000_000


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish(build: Path | None = None, target: Path | None = None, chunk_rows: int = CHUNK_ROWS) -> Path:
    build = build or settings.build_db()
    target = target or settings.published_db()
    if not build.is_file():
        # ATTACH would create an empty database and we would publish it.
        raise FileNotFoundError(f"{build}: no build database to publish")
    target.parent.mkdir(parents=True, exist_ok=True)
    # A build killed mid-copy leaves its temporary file (and its WAL) behind; writers are
    # serialised, so any such file is an orphan.
    for orphan in target.parent.glob(f".{target.name}.*.tmp*"):
        orphan.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    # The copy streams: half of dbt's memory limit (KAZMIG_BUILD_MEMORY_MB) holds a chunk's
    # primary-key index; what else does not fit spills beside the build database.
    memory = f"{max(settings.build_memory_mb() // 2, 1)}MB"
    con = duckdb.connect(config={"memory_limit": memory, "temp_directory": f"{build}.tmp"})
    try:
        con.execute(f"attach {_literal(build)} as build")
        con.execute("checkpoint build")  # fold the WAL in: the copy reads the file as a whole
        con.execute(f"attach {_literal(tmp)} as published (storage_version '{STORAGE_VERSION}')")
        # The catalog first (schemas, tables with their constraints and comments, views, macros,
        # types), then the rows table by table: one `copy from database` of the whole is one
        # transaction, whose commit held 1.8 GB for 1 000 documents.
        con.execute("copy from database build to published (schema)")
        _copy_rows(con, chunk_rows)
        con.execute("detach published")  # checkpoints: the file is complete, no WAL beside it
        con.execute("detach build")
        atomic_replace(tmp, target)
    except duckdb.Error as exc:
        hint = out_of_memory(exc)  # one line saying what to do, not DuckDB's advice on SET
        if hint is None:
            raise
        raise RuntimeError(f"{target}: not published: {hint}") from exc
    finally:
        con.close()
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target


def _copy_rows(con: duckdb.DuckDBPyConnection, chunk_rows: int) -> None:
    """Every table's rows from `build` into `published`, in the build's row order, with a
    checkpoint after each transaction. The short tables go together (one commit for a small
    build), at most about `chunk_rows` rows a transaction; a longer one alone, and if it has an
    index (a primary key) by ranges of `chunk_rows` rowids (which may have gaps), since the commit
    holds the index of the rows it adds in memory. Rows without one are written as they go."""
    tables = con.execute(
        "select schema_name, table_name, estimated_size, exists (select 1 from duckdb_constraints() c "
        "where c.database_name = t.database_name and c.schema_name = t.schema_name and c.table_name = t.table_name "
        "and c.constraint_type in ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')) or exists (select 1 from duckdb_indexes() i "
        "where i.database_name = t.database_name and i.schema_name = t.schema_name and i.table_name = t.table_name) "
        "from duckdb_tables() t where database_name = 'build' order by all"
    ).fetchall()
    batches: list[list[tuple[str, tuple[int, int] | None]]] = [[]]
    rows_in_batch = 0
    for schema, table, rows, indexed in tables:
        name = f"{_quoted(schema)}.{_quoted(table)}"
        if rows <= chunk_rows:
            if rows_in_batch + rows > chunk_rows:
                batches.append([])
                rows_in_batch = 0
            batches[-1].append((name, None))
            rows_in_batch += rows
        elif not indexed:
            batches.append([(name, None)])
        else:
            end = con.execute(f"select coalesce(max(rowid) + 1, 0) from build.{name}").fetchone()[0]
            batches += [[(name, (lo, lo + chunk_rows))] for lo in range(0, end, chunk_rows)]
    for batch in filter(None, batches):
        con.execute("begin")
        for name, rowids in batch:
            insert = f"insert into published.{name} select * from build.{name}"
            if rowids:
                con.execute(insert + " where rowid >= ? and rowid < ?", list(rowids))
            else:
                con.execute(insert)
        con.execute("commit")
        if len(batches) > 1:
            con.execute("checkpoint published")
