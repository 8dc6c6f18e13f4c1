"""DuckDB's memory limit in the build (KAZMIG_BUILD_MEMORY_MB) reaches dbt's database: what DuckDB
reports inside dbt, run in this process with the arguments a build gives it. DuckDB's own default
(80 % of the machine's memory) let a 1 000-document build reach 1.8 GB."""

import shutil

import duckdb
import pytest

from pipelines import settings
from pipelines.dbt import run as dbt_run
from pipelines.warehouse.publish import publish

SHOW_LIMIT = "select current_setting('memory_limit') as memory_limit"


def _as_duckdb_reports(limit: str) -> str:
    con = duckdb.connect(config={"memory_limit": limit})
    try:
        return con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()


def test_the_memory_limit_reaches_dbt(tmp_path, monkeypatch):
    target, database = tmp_path / "target", tmp_path / "kazmig.duckdb"
    manifest = dbt_run.parse(target)

    def shown() -> str:
        outcome = dbt_run.invoke(manifest, target, database, "show", "--inline", SHOW_LIMIT)
        assert outcome.success, outcome.exception
        return outcome.result.results[0].agate_table.rows[0][0]

    monkeypatch.delenv("KAZMIG_BUILD_MEMORY_MB", raising=False)
    default = shown()
    assert default == _as_duckdb_reports(f"{settings.BUILD_MEMORY_MB}MB")
    monkeypatch.setenv("KAZMIG_BUILD_MEMORY_MB", "300")
    assert shown() == _as_duckdb_reports("300MB") != default


def test_a_publication_past_the_limit_says_what_to_do_and_leaves_the_warehouse(tmp_path, built_home, monkeypatch):
    build, target = tmp_path / "build.duckdb", tmp_path / "kazmig.duckdb"
    shutil.copyfile(built_home / "warehouse" / "build" / "kazmig.duckdb", build)
    publish(build, target)
    before = target.read_bytes()
    monkeypatch.setenv("KAZMIG_BUILD_MEMORY_MB", "1")
    with pytest.raises(RuntimeError) as e:
        publish(build, target)
    assert str(e.value).startswith(f"{target}: not published: DuckDB needed more than its memory limit, 1 MB")
    assert "KAZMIG_BUILD_MEMORY_MB" in str(e.value) and "\n" not in str(e.value)
    assert target.read_bytes() == before and not list(tmp_path.glob(".kazmig.duckdb.*"))


def test_a_dbt_model_past_the_limit_says_what_to_do(tmp_path, built_home, monkeypatch):
    from pipelines.defs.dbt import failed_nodes

    target, database = tmp_path / "target", tmp_path / "kazmig.duckdb"
    shutil.copyfile(built_home / "warehouse" / "build" / "kazmig.duckdb", database)
    manifest = dbt_run.parse(target)
    monkeypatch.setenv("KAZMIG_BUILD_MEMORY_MB", "1")
    outcome = dbt_run.build(manifest, target, database, select=["fct_observation"], indirect="empty")
    assert not outcome.success
    lines = failed_nodes(outcome.result.results)
    assert any(
        line.startswith("error in model fct_observation (models/core/fct_observation.sql): ")
        and line.endswith(
            "DuckDB needed more than its memory limit, 1 MB for dbt and half that to publish "
            "(KAZMIG_BUILD_MEMORY_MB): set it higher and build again"
        )
        for line in lines
    ), lines
