"""Read-only access to the published warehouse: `kazmig query` and `kazmig export`."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from conftest import kazmig


def test_query_formats(built_home):
    sql = "select country_code, emigrants from marts.emigration_by_destination where year = 2024 order by emigrants desc limit 3"
    as_json = json.loads(kazmig(built_home, "query", sql, "--format", "json").stdout)
    assert len(as_json) == 3 and set(as_json[0]) == {"country_code", "emigrants"}
    as_csv = list(csv.reader(kazmig(built_home, "query", sql, "--format", "csv").stdout.splitlines()))
    assert as_csv[0] == ["country_code", "emigrants"]
    assert [r[0] for r in as_csv[1:]] == [
        str(r["country_code"]) if r["country_code"] is not None else "" for r in as_json
    ]
    table = kazmig(built_home, "query", sql).stdout
    assert "(3 rows)" in table


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "copy (select 1) to '/tmp/kazmig_should_not_exist.csv'",
        "attach '/tmp/kazmig_other.duckdb' as other",
        "set enable_external_access = true",
        "create table marts.x as select 1",
        "install httpfs",
    ],
)
def test_query_cannot_reach_outside_the_warehouse(built_home, sql):
    proc = kazmig(built_home, "query", sql, check=False)
    assert proc.returncode != 0
    assert proc.stderr.startswith("kazmig query: ") and len(proc.stderr.strip().splitlines()) == 1


def test_export_every_mart(built_home, tmp_path):
    marts = (
        duckdb.connect(str(built_home / "warehouse" / "kazmig.duckdb"), read_only=True)
        .execute("select table_name from information_schema.tables where table_schema = 'marts'")
        .fetchall()
    )
    for fmt in ("parquet", "csv"):
        out = tmp_path / fmt
        kazmig(built_home, "export", "--format", fmt, "--out", str(out))
        assert sorted(p.stem for p in out.glob(f"*.{fmt}")) == sorted(m[0] for m in marts)
    con = duckdb.connect()
    n = con.execute(
        f"select count(*) from read_parquet('{tmp_path / 'parquet' / 'emigration_by_destination.parquet'}')"
    ).fetchall()[0][0]
    m = con.execute(
        f"select count(*) from read_csv('{tmp_path / 'csv' / 'emigration_by_destination.csv'}')"
    ).fetchall()[0][0]
    assert n == m > 0
