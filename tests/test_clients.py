"""Every client reads the published warehouse: DuckDB 1.4 and 1.5 from their own environments,
SQLAlchemy with duckdb-engine reflecting the marts as Superset does, dbt's docs as comments."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from client_envs import client_env, node_env, run_json

from pipelines.outputs.report.marts_doc import mart_models

CLIENTS = Path(__file__).parent / "clients"

# Each entry: what a user of that client has installed (the README's client table names them).
OLD_DUCKDB = {
    "duckdb-1.4": ["duckdb>=1.4,<1.5"],
    # Superset still runs SQLAlchemy 1.4; this environment reflects the marts with it too.
    "duckdb-1.5+sqlalchemy-1.4": ["duckdb>=1.5,<1.6", "sqlalchemy>=1.4,<2", "duckdb-engine>=0.17,<0.18"],
}


def _published(home: Path) -> str:
    return str(home / "warehouse" / "kazmig.duckdb")


@pytest.fixture(scope="module")
def read_by_2_0(built_home) -> dict:
    return run_json(Path(sys.executable), CLIENTS / "read_duckdb.py", _published(built_home))


@pytest.mark.parametrize("client", sorted(OLD_DUCKDB))
def test_duckdb_1x_clients_read_what_2_0_reads(built_home, read_by_2_0, client):
    python = client_env(*OLD_DUCKDB[client])
    seen = run_json(python, CLIENTS / "read_duckdb.py", _published(built_home))
    assert seen["duckdb"].startswith(client.split("+")[0].split("-")[1] + "."), seen["duckdb"]
    assert read_by_2_0["duckdb"].startswith("2.")
    assert seen["tables"] == read_by_2_0["tables"] and any(t.startswith("marts.") for t in seen["tables"])
    assert seen["comments"] == read_by_2_0["comments"]
    assert seen["views"] == read_by_2_0["views"] and seen["views"]


# Node has no DuckDB 2.x client: @duckdb/node-api is what DuckDB's Node users (and Evidence) run.
NODE_API = "@duckdb/node-api@1.5.6-r.1"


def test_node_api_1_5_reads_every_table(built_home, read_by_2_0):
    modules = node_env(NODE_API)
    seen = run_json("node", CLIENTS / "read_duckdb.cjs", _published(built_home), env={"NODE_PATH": str(modules)})
    assert seen["duckdb"] == "v1.5.6"
    assert seen["rows"] == {name: t["rows"] for name, t in read_by_2_0["tables"].items()}


def _docs() -> dict[str, dict]:
    return {m["name"]: m for m in mart_models()}


def test_dbt_docs_are_comments_in_the_catalog(published):
    for name, model in _docs().items():
        (comment,) = published.execute(
            "select comment from duckdb_tables() where schema_name = 'marts' and table_name = ?", [name]
        ).fetchall()[0]
        assert comment == model["description"]
        comments = dict(
            published.execute(
                "select column_name, comment from duckdb_columns() where schema_name = 'marts' and table_name = ?",
                [name],
            ).fetchall()
        )
        assert comments == {c["name"]: c["description"] for c in model["columns"]}
    undocumented = published.execute(
        "select schema_name || '.' || table_name || '.' || column_name "
        "from duckdb_columns() where schema_name = 'core' and comment is null"
    ).fetchall()
    assert undocumented == []


def _reflected(python: Path, home: Path) -> dict:
    return run_json(python, CLIENTS / "reflect_sqlalchemy.py", _published(home))


@pytest.mark.parametrize("env", ["pinned", "sqlalchemy-1.4"])
def test_sqlalchemy_reflects_the_marts_as_superset_does(built_home, published, env):
    python = Path(sys.executable) if env == "pinned" else client_env(*OLD_DUCKDB["duckdb-1.5+sqlalchemy-1.4"])
    got = _reflected(python, built_home)
    assert got["sqlalchemy"].startswith("2.0." if env == "pinned" else "1.4.")
    assert "kazmig.marts" in got["schemas"]
    docs = _docs()
    assert sorted(got["marts"]) == sorted(docs)
    for name, mart in got["marts"].items():
        columns = [
            r[0]
            for r in published.execute(
                "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? "
                "order by column_index",
                [name],
            ).fetchall()
        ]
        assert mart["columns"] == mart["autoload_columns"] == columns
        assert mart["comments"] == {c["name"]: c["description"] for c in docs[name]["columns"]}
        assert mart["table_comment"] == docs[name]["description"]
        assert mart["rows"] == published.execute(f'select count(*) from marts."{name}"').fetchall()[0][0]
