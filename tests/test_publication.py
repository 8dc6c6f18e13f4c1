"""Publication by atomic rename: readers in other processes never see an error or a torn file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.publish import CHUNK_ROWS, publish

READER = textwrap.dedent("""
    import json, sys, time
    {connect}
    path, seconds = sys.argv[1], float(sys.argv[2])
    seen, errors, end = {{}}, [], time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            value = read(path)
            seen[str(value)] = seen.get(str(value), 0) + 1
        except Exception as exc:  # any error at all is a failure of publication
            errors.append(repr(exc)[:200])
    print(json.dumps({{"seen": seen, "errors": errors[:5], "n_errors": len(errors)}}))
""")

DUCKDB_READER = READER.format(
    connect=textwrap.dedent("""
    import duckdb
    def read(path):
        con = duckdb.connect(path, read_only=True)
        try:
            return con.execute("select max(v) from marts.t").fetchall()[0][0]
        finally:
            con.close()
""")
)

SQLALCHEMY_READER = READER.format(
    connect=textwrap.dedent("""
    from sqlalchemy import create_engine, text
    def read(path):
        engine = create_engine(f"duckdb:///{path}", connect_args={"read_only": True})
        try:
            with engine.connect() as con:
                return con.execute(text("select max(v) from marts.t")).scalar()
        finally:
            engine.dispose()
""")
)


def _build(path: Path, value: int, rows: int = 200_000) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.t as select {value} as v, range as i from range({rows})")
    con.close()


def _readers_during_publications(tmp_path: Path, reader_src: str) -> dict:
    a, b, target = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "kazmig.duckdb"
    _build(a, 1)
    _build(b, 2)
    publish(a, target)
    script = tmp_path / "reader.py"
    script.write_text(reader_src)
    reader = subprocess.Popen([sys.executable, str(script), str(target), "4"], stdout=subprocess.PIPE, text=True)
    publications = 0
    while reader.poll() is None and publications < 400:
        publish(b if publications % 2 == 0 else a, target)
        publications += 1
    out, _ = reader.communicate(timeout=60)
    result = json.loads(out)
    result["publications"] = publications
    return result


def test_duckdb_readers_see_old_or_new_never_an_error(tmp_path):
    result = _readers_during_publications(tmp_path, DUCKDB_READER)
    assert result["n_errors"] == 0, result["errors"]
    assert set(result["seen"]) <= {"1", "2"} and sum(result["seen"].values()) > 0
    assert result["publications"] > 1


def test_sqlalchemy_readers_during_rebuild(tmp_path):
    result = _readers_during_publications(tmp_path, SQLALCHEMY_READER)
    assert result["n_errors"] == 0, result["errors"]
    assert set(result["seen"]) <= {"1", "2"} and sum(result["seen"].values()) > 0


def test_failed_copy_leaves_target_untouched(tmp_path):
    a, target = tmp_path / "a.duckdb", tmp_path / "kazmig.duckdb"
    _build(a, 1, rows=10)
    publish(a, target)
    before = target.read_bytes()
    missing = tmp_path / "missing.duckdb"
    try:
        publish(missing, target)
    except Exception:
        pass
    assert target.read_bytes() == before
    assert not list(tmp_path.glob(".kazmig.duckdb.*.tmp"))


def _catalog(con: duckdb.DuckDBPyConnection, db: str) -> dict:
    """What database `db` holds, object by object, and each table's rows in their order (not their
    rowids: the build's may have gaps). A view's SQL is left out: DuckDB writes it again in the
    older format's spelling (TIMESTAMP_US for TIMESTAMP); its columns and comment are compared."""
    where = f"database_name = '{db}'"

    def q(sql: str) -> list:
        return con.execute(sql).fetchall()

    tables = q(f"select schema_name, table_name from duckdb_tables() where {where} order by all")
    rows = {}
    for schema, table in tables:
        name = ".".join([db, *('"' + n.replace('"', '""') + '"' for n in (schema, table))])
        rows[(schema, table)] = q(f"select count(*), hash(list(hash(x) order by rowid)) from {name} x")[0]
    return {
        "schemas": q(f"select schema_name, comment from duckdb_schemas() where {where} order by all"),
        "tables": q(
            f"select schema_name, table_name, comment, has_primary_key, sql from duckdb_tables() where {where} "
            "order by all"
        ),
        "views": q(f"select schema_name, view_name, comment from duckdb_views() where {where} order by all"),
        "columns": q(
            "select schema_name, table_name, column_index, column_name, data_type, is_nullable, column_default, "
            f"comment from duckdb_columns() where {where} order by all"
        ),
        "constraints": q(
            "select schema_name, table_name, constraint_type, constraint_text, constraint_column_names "
            f"from duckdb_constraints() where {where} order by all"
        ),
        "macros": q(
            "select schema_name, function_name, function_type, macro_definition from duckdb_functions() "
            f"where {where} and not internal order by all"
        ),
        "types": q(f"select schema_name, type_name, logical_type from duckdb_types() where {where} and not internal"),
        "sequences": q(f"select schema_name, sequence_name from duckdb_sequences() where {where} order by all"),
        "rows": rows,
    }


def _compare(build: Path, published: Path) -> tuple[dict, dict]:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{build}' as b (read_only)")
        con.execute(f"attach '{published}' as p (read_only)")
        return _catalog(con, "b"), _catalog(con, "p")
    finally:
        con.close()


@pytest.mark.parametrize("chunk_rows", [CHUNK_ROWS, 1000])
def test_publication_carries_every_object_and_row_of_a_build(tmp_path, built_home, chunk_rows):
    # A real build's database (copied: publishing checkpoints it); 1 000 rows a chunk makes the
    # bureau's observations and the observation facts go in several transactions.
    build = tmp_path / "build.duckdb"
    shutil.copyfile(built_home / "warehouse" / "build" / "kazmig.duckdb", build)
    built, published = _compare(build, publish(build, tmp_path / "kazmig.duckdb", chunk_rows=chunk_rows))
    assert published == built
    # not vacuous: the build made what a publication could drop
    assert any(t[2] for t in built["tables"]) and any(v[2] for v in built["views"])
    assert {c[2] for c in built["constraints"]} >= {"PRIMARY KEY", "CHECK", "NOT NULL"}
    assert max(n for n, _ in built["rows"].values()) > 2 * 1000


def test_publication_in_chunks_keeps_order_gaps_names_and_every_kind_of_object(tmp_path):
    build, target = tmp_path / "build.duckdb", tmp_path / "kazmig.duckdb"
    table = '"odd ""schema"""."t""1"'  # a quote in each name
    con = duckdb.connect(str(build))
    con.execute('create schema "odd ""schema"""')
    con.execute("create type mood as enum ('low', 'high')")
    con.execute(f"create table {table} (i integer primary key, m mood, s varchar check (s <> 'x'))")
    # descending keys: a copy that sorted by key, or lost the rowid order, would show
    con.execute(
        f"insert into {table} select 5000 - range, case when range % 2 = 0 then 'low' else 'high' end, "
        "range::varchar from range(2500)"
    )
    con.execute(f"delete from {table} where i % 7 = 0")  # gaps in the rowids
    con.execute(f"comment on table {table} is 'a table'")
    con.execute(f"comment on column {table}.s is 'a column'")
    con.execute(f"create view v as select i from {table} where m = 'high'")
    con.execute("create macro twice(x) as 2 * x")
    con.execute("create table empty (a integer)")
    con.close()
    built, published = _compare(build, publish(build, target, chunk_rows=1000))
    assert published == built
    assert built["rows"][('odd "schema"', 't"1')][0] == sum(1 for k in range(2500) if (5000 - k) % 7)
    assert built["macros"] and built["types"] and built["views"]
