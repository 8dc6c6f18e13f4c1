"""Publication by atomic rename: readers in other processes never see an error or a torn file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from pipelines.warehouse.publish import publish

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
