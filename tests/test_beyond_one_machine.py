"""Beyond one machine: Dagster's multiprocess executor builds the same marts as `kazmig build`,
and the PostgreSQL serving tier serves them: a real server, readers querying while releases
are swapped in, every mart compared with the DuckDB file row for row."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import duckdb
import psycopg
import pytest

from conftest import BIN, REPO, kazmig, make_home
from pipelines.files import sha256_file
from pipelines.outputs.serving.postgres import SCHEMAS, ServingError, serve
from pipelines.warehouse.db import DUCKDB_WRITER
from pipelines.warehouse.keys import foreign_keys, primary_keys

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first

# Times of the build and of the landing differ between two homes built from the same files.
BUILD_TIMES = {"marts.source_freshness": ["last_check", "last_change", "evaluated_at"]}


def _counter(rows) -> Counter:
    return Counter(tuple(tuple(v) if isinstance(v, list) else v for v in row) for row in rows)


def duckdb_tables(path: Path, skip: dict | None = None) -> dict[str, Counter]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in (select unnest(?)) order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall():
            exclude = (skip or {}).get(f"{s}.{t}")
            columns = f"* exclude ({', '.join(exclude)})" if exclude else "*"
            out[f"{s}.{t}"] = _counter(con.execute(f'select {columns} from "{s}"."{t}"').fetchall())
        return out
    finally:
        con.close()


def postgres_tables(url: str) -> dict[str, Counter]:
    with psycopg.connect(url) as pg:
        names = pg.execute(
            "select table_schema, table_name from information_schema.tables where table_schema = any(%s) order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall()
        return {f"{s}.{t}": _counter(pg.execute(f'select * from "{s}"."{t}"').fetchall()) for s, t in names}


def served_release(url: str) -> str:
    with psycopg.connect(url) as pg:
        return pg.execute("select obj_description('marts'::regnamespace, 'pg_namespace')").fetchall()[0][0]


@pytest.fixture(scope="module")
def fanned_out(tmp_path_factory, shared_bns, postgres):
    """One build run by `dagster job execute` with the multiprocess job, serving to PostgreSQL;
    what PostgreSQL held right after it (later tests serve other releases)."""
    home = make_home(tmp_path_factory.mktemp("multiprocess_home"))
    kazmig(home, "fetch", "--from", str(shared_bns))
    dagster_home = home / ".dagster"
    dagster_home.mkdir()
    shutil.copyfile(REPO / "config" / "dagster.yaml", dagster_home / "dagster.yaml")
    config = home / "run.yaml"
    config.write_text(
        json.dumps({"resources": {"fetch_settings": {"config": {"offline": True, "always_materialize": True}}}})
    )
    env = {
        **os.environ,
        "KAZMIG_HOME": str(home),
        "DAGSTER_HOME": str(dagster_home),
        "KAZMIG_BNS_BASE_URL": "http://127.0.0.1:9",
        "KAZMIG_POSTGRES_URL": postgres["KAZMIG_POSTGRES_URL"],
    }
    proc = subprocess.run(
        [
            str(BIN / "dagster"),
            "job",
            "execute",
            "-m",
            "pipelines.definitions",
            "-j",
            "build_multiprocess",
            "-c",
            str(config),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    served = postgres_tables(postgres["KAZMIG_POSTGRES_URL"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(dagster_home))
        from dagster import DagsterInstance

        with DagsterInstance.get() as instance:
            (run,) = instance.get_runs()
            events = [e for e in instance.all_logs(run.run_id) if e.dagster_event]
    return {
        "home": home,
        "served": served,
        "release": served_release(postgres["KAZMIG_POSTGRES_URL"]),
        "events": events,
    }


def _steps(events) -> dict[str, dict]:
    steps: dict[str, dict] = {}
    for e in events:
        kind = e.dagster_event.event_type_value
        if kind in ("STEP_START", "STEP_SUCCESS") and e.step_key:
            steps.setdefault(e.step_key, {})[kind] = e.timestamp
            steps[e.step_key].setdefault("pid", e.dagster_event.pid)
    return steps


def test_multiprocess_build_gets_the_same_marts(fanned_out, built_home):
    steps = _steps(fanned_out["events"])
    assert len({s["pid"] for s in steps.values()}) == len(steps) > 5  # every step a process of its own
    from pipelines.definitions import defs

    job = defs.resolve_job_def("build_multiprocess")
    writers = {n.name for n in job.graph.node_defs if n.tags.get(next(iter(DUCKDB_WRITER))) == "writer"}
    assert {"kazmig_dbt", "warehouse__published", "raw__documents", "raw__bns_observations"} <= writers
    spans = sorted((s["STEP_START"], s["STEP_SUCCESS"]) for k, s in steps.items() if k in writers)
    assert len(spans) >= 5 and all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "DuckDB writers overlapped"
    ours = duckdb_tables(fanned_out["home"] / "warehouse" / "kazmig.duckdb", BUILD_TIMES)
    theirs = duckdb_tables(built_home / "warehouse" / "kazmig.duckdb", BUILD_TIMES)
    assert ours.keys() == theirs.keys() and any(k.startswith("marts.") for k in ours)
    for name in ours:
        assert ours[name] == theirs[name], name


def test_postgres_tier_serves_every_table_row_for_row(fanned_out):
    materialized = [
        e.dagster_event.asset_key.path
        for e in fanned_out["events"]
        if e.dagster_event.event_type_value == "ASSET_MATERIALIZATION"
    ]
    assert ["serving", "postgres"] in materialized
    published = fanned_out["home"] / "warehouse" / "kazmig.duckdb"
    assert fanned_out["release"] == f"kazmig release {sha256_file(published)}"
    expected = duckdb_tables(published)
    assert fanned_out["served"].keys() == expected.keys()
    assert sum(len(rows) for name, rows in expected.items() if name.startswith("marts.")) > 0
    for name, rows in expected.items():
        assert fanned_out["served"][name] == rows, name


READER = textwrap.dedent("""
    import json, os, sys, time, psycopg
    url, stop = sys.argv[1], sys.argv[2]
    seen, errors = {}, []
    with psycopg.connect(url, autocommit=True) as pg:  # one connection throughout, as a BI tool's pool
        print("ready", flush=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                row = pg.execute(sys.argv[3]).fetchall()[0]
                seen[json.dumps(row)] = seen.get(json.dumps(row), 0) + 1
            except Exception as exc:
                errors.append(repr(exc)[:300])
            if os.path.exists(stop):
                break
    print(json.dumps({"seen": seen, "errors": errors[:5], "n_errors": len(errors)}))
""")


def _half(source: Path, target: Path) -> None:
    """A second release: the same tables with every other row of each left out, but for the
    tables foreign keys reference (dimensions, fct_observation), kept whole so the keys hold."""
    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    referenced = {fk.ref_table for fk in foreign_keys(primary_keys(con))}
    for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name in (select unnest(?))", [list(SCHEMAS)]
    ).fetchall():
        if f"{s}.{t}" not in referenced:
            con.execute(f'delete from "{s}"."{t}" where rowid % 2 = 0')
    con.close()


def test_readers_see_one_release_or_the_other(postgres, built_home, tmp_path):
    writer, reader_url = postgres["KAZMIG_POSTGRES_URL"], postgres["READER_URL"]
    a = built_home / "warehouse" / "kazmig.duckdb"
    b = tmp_path / "kazmig.duckdb"
    _half(a, b)
    con = duckdb.connect(str(a), read_only=True)
    tables = [
        f'"{s}"."{t}"'
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in (select unnest(?)) order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall()
    ]
    con.close()
    # One statement reads every served table: a mixture would pair counts of both releases.
    query = "select " + ", ".join(f"(select count(*) from {t})" for t in tables)

    def counts(path):
        c = duckdb.connect(str(path), read_only=True)
        try:
            return [c.execute(f"select count(*) from {t}").fetchall()[0][0] for t in tables]
        finally:
            c.close()

    releases = {json.dumps(counts(a)): "a", json.dumps(counts(b)): "b"}
    assert len(releases) == 2
    serve(a, writer, "kazmig_reader")
    script, stop = tmp_path / "reader.py", tmp_path / "stop"
    script.write_text(READER)
    proc = subprocess.Popen(
        [sys.executable, str(script), reader_url, str(stop), query], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        swaps = []
        for path in (b, a, b):
            time.sleep(0.3)
            swaps.append(serve(path, writer, "kazmig_reader").swap_attempts)
        time.sleep(0.3)
    finally:
        stop.touch()
        out, _ = proc.communicate(timeout=120)
    result = json.loads(out)
    assert result["n_errors"] == 0, result["errors"]
    assert set(result["seen"]) <= set(releases), "a reader saw a mixture of two releases"
    assert set(result["seen"]) == set(releases) and sum(result["seen"].values()) > 10
    expected, served = duckdb_tables(b), postgres_tables(reader_url)
    assert served.keys() == expected.keys()
    for name, rows in expected.items():
        assert served[name] == rows, name
    with psycopg.connect(reader_url) as pg:  # the reader role reads, and only reads
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.execute("delete from marts.note_claims")


def test_kazmig_serve_serves_the_published_warehouse(postgres, built_home, monkeypatch):
    monkeypatch.delenv("KAZMIG_POSTGRES_URL", raising=False)
    proc = kazmig(built_home, "serve", check=False)
    assert proc.returncode == 2 and "KAZMIG_POSTGRES_URL is not set" in proc.stderr
    monkeypatch.setenv("KAZMIG_POSTGRES_URL", postgres["KAZMIG_POSTGRES_URL"])
    release = sha256_file(built_home / "warehouse" / "kazmig.duckdb")
    proc = kazmig(built_home, "serve")
    assert f"served release {release}" in proc.stdout and "kazmig_writer@127.0.0.1" in proc.stdout
    assert served_release(postgres["READER_URL"]) == f"kazmig release {release}"


def test_unreachable_server_is_one_line_naming_it_without_the_password(built_home):
    with pytest.raises(ServingError) as err:
        serve(
            built_home / "warehouse" / "kazmig.duckdb",
            "postgresql://kazmig_writer:s3cret@127.0.0.1:9/kazmig",
            "kazmig_reader",
        )
    message = str(err.value)
    assert "kazmig_writer@127.0.0.1:9/kazmig" in message and "s3cret" not in message and "\n" not in message


def _loading_schemas(url: str) -> list[str]:
    with psycopg.connect(url) as pg:
        return [r[0] for r in pg.execute("select nspname from pg_namespace where nspname like '%%\\_\\_loading'")]


def test_a_reader_idle_in_a_transaction_does_not_block_a_release(postgres, built_home):
    """psycopg's default (and many BI pools'): a connection that read once sits idle in a
    transaction, holding its tables. The release waits, then ends that session and swaps in."""
    import threading

    writer, reader_url = postgres["KAZMIG_POSTGRES_URL"], postgres["READER_URL"]
    published = built_home / "warehouse" / "kazmig.duckdb"
    serve(published, writer, "kazmig_reader")
    idle = psycopg.connect(reader_url)  # not autocommit: the select opens a transaction left open
    idle.execute("select count(*) from marts.region_profile").fetchall()
    idle_pid = idle.info.backend_pid
    result: dict = {}
    started = time.monotonic()
    thread = threading.Thread(
        target=lambda: result.update(served=serve(published, writer, "kazmig_reader", swap_wait=2.0)), daemon=True
    )
    thread.start()
    # While the release waits for the idle session, its loading schemas exist but a reader has no
    # grant on them and information_schema (what a BI schema sync reads) does not list them.
    with psycopg.connect(reader_url, autocommit=True) as watcher:
        seen_loading = False
        while thread.is_alive():
            names = [r[0] for r in watcher.execute("select nspname from pg_namespace where nspname like '%%loading'")]
            for name in names:
                seen_loading = True
                assert not watcher.execute("select has_schema_privilege(%s, 'usage')", [name]).fetchone()[0]
            listed = watcher.execute(
                "select count(*) from information_schema.tables where table_schema like '%%loading'"
            ).fetchone()[0]
            assert listed == 0
            time.sleep(0.05)
    thread.join()
    elapsed = time.monotonic() - started
    assert seen_loading
    served = result["served"]
    assert [pid for pid, _ in served.terminated] == [idle_pid] and served.terminated[0][1] == "kazmig_reader"
    assert 2.0 < elapsed < 30, elapsed
    with pytest.raises(psycopg.OperationalError):
        idle.execute("select 1").fetchall()
    idle.close()
    assert served_release(reader_url) == f"kazmig release {served.release}"
    assert _loading_schemas(writer) == []


def test_a_failed_release_drops_its_loading_schemas(postgres, built_home, tmp_path):
    """With ending idle sessions turned off, the idle reader makes the release fail after the wait:
    the old release stays served and no loading schema is left behind."""
    writer, reader_url = postgres["KAZMIG_POSTGRES_URL"], postgres["READER_URL"]
    a = built_home / "warehouse" / "kazmig.duckdb"
    b = tmp_path / "kazmig.duckdb"
    _half(a, b)
    serve(a, writer, "kazmig_reader")
    with psycopg.connect(reader_url) as idle:
        idle.execute("select count(*) from marts.outflow_trend").fetchall()
        with pytest.raises(ServingError) as err:
            serve(b, writer, "kazmig_reader", swap_wait=1.0, terminate_idle=False)
        message = str(err.value)
        assert "not swapped in" in message and str(idle.info.backend_pid) in message and "\n" not in message
        assert "idle in transaction" in message
        idle.execute("select 1").fetchall()  # the session was left alone
    assert served_release(reader_url) == f"kazmig release {sha256_file(a)}"
    assert _loading_schemas(writer) == []


def test_served_tables_carry_the_primary_and_foreign_keys(postgres, built_home):
    """What a BI tool reflects (SQLAlchemy's PostgreSQL dialect, as Superset uses), logged in as the
    reader: every primary key of the DuckDB file, and the relationships between the tables."""
    import sqlalchemy

    published = built_home / "warehouse" / "kazmig.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    try:
        primary = primary_keys(con)
    finally:
        con.close()
    foreign = foreign_keys(primary)
    assert {"core.dim_region", "core.dim_country", "marts.region_profile", "marts.observations"} <= primary.keys()
    assert primary["marts.region_profile"] == ("region", "year")
    serve(published, postgres["KAZMIG_POSTGRES_URL"], "kazmig_reader")
    url = postgres["READER_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sqlalchemy.create_engine(url)
    try:
        inspector = sqlalchemy.inspect(engine)
        for name, key in primary.items():
            schema, table = name.split(".")
            assert tuple(inspector.get_pk_constraint(table, schema=schema)["constrained_columns"]) == key, name
        reflected = {
            (f"{schema}.{table}", tuple(fk["constrained_columns"]), f"{fk['referred_schema']}.{fk['referred_table']}")
            for schema in SCHEMAS
            for table in inspector.get_table_names(schema=schema)
            for fk in inspector.get_foreign_keys(table, schema=schema)
        }
    finally:
        engine.dispose()
    assert reflected == {(fk.table, fk.columns, fk.ref_table) for fk in foreign}
    assert {
        ("marts.region_profile", ("region",), "core.dim_region"),
        ("marts.emigration_by_destination", ("country_code",), "core.dim_country"),
        ("core.fct_observation", ("indicator",), "core.dim_indicator"),
        ("core.fct_observation_current", ("observation_id",), "core.fct_observation"),
    } <= reflected


def test_kazmig_serve_takes_the_wait_from_the_environment(postgres, built_home):
    writer, reader_url = postgres["KAZMIG_POSTGRES_URL"], postgres["READER_URL"]
    serve(built_home / "warehouse" / "kazmig.duckdb", writer, "kazmig_reader")
    env = {"KAZMIG_POSTGRES_URL": writer, "KAZMIG_POSTGRES_SWAP_WAIT": "1"}
    idle = psycopg.connect(reader_url)  # closed, not committed, at the end: the release ends its session
    try:
        idle.execute("select count(*) from core.dim_region").fetchall()
        pid = idle.info.backend_pid
        started = time.monotonic()
        proc = kazmig(built_home, "serve", env=env)
        assert time.monotonic() - started < 60
    finally:
        idle.close()
    assert f"ended session {pid} of kazmig_reader: it held the live tables idle in a transaction" in proc.stdout
    proc = kazmig(built_home, "serve", check=False, env={**env, "KAZMIG_POSTGRES_SWAP_WAIT": "soon"})
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert "KAZMIG_POSTGRES_SWAP_WAIT='soon'" in proc.stderr
