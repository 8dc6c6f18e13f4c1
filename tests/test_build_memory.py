"""DuckDB's memory limit in the build (KAZMIG_BUILD_MEMORY_MB) reaches dbt's database: what DuckDB
reports inside dbt, run in this process with the arguments a build gives it. DuckDB's own default
(80 % of the machine's memory) let a 1 000-document build reach 1.8 GB."""

import duckdb

from pipelines import settings
from pipelines.dbt import run as dbt_run

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
