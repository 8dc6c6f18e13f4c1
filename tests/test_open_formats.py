"""The statistics leave in open formats: SDMX-CSV 1.0 with its data structure definition (read
back and validated by pysdmx) and a Frictionless data package (`frictionless validate`)."""

from __future__ import annotations

import csv
import json
import subprocess
from collections import Counter, defaultdict

from conftest import BIN, kazmig

DIMENSIONS = ["INDICATOR", "REF_AREA", "COUNTERPART_AREA", "OCCUPATION", "SEX", "TIME_PERIOD"]


def test_sdmx_csv_with_its_structure_definition(built_home, published, tmp_path):
    from pysdmx.io import get_datasets, read_sdmx

    proc = kazmig(built_home, "export", "--format", "sdmx-csv", "--out", str(tmp_path))
    data, structure = (tmp_path / "labour_migration.sdmx.csv", tmp_path / "labour_migration.dsd.xml")
    assert proc.stdout.split() == [str(data), str(structure)]
    message = read_sdmx(structure, validate=True)  # against the SDMX-ML 2.1 schemas
    (dsd,) = message.get_data_structure_definitions()
    roles = {c.id: c.role.value for c in dsd.components}
    assert [c.id for c in dsd.components if c.role.value == "D"] == DIMENSIONS
    assert roles["OBS_VALUE"] == "M" and roles["UNIT_MEASURE"] == roles["VINTAGE"] == "A"
    codes = {c.id: {code.id for code in c.local_codes} for c in dsd.components if c.local_codes}

    with open(data, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert next(iter(rows[0])) == "DATAFLOW" and {r["DATAFLOW"] for r in rows} == {"KAZMIG:DF_LABOUR_MIGRATION(1.0)"}
    (dataset,) = get_datasets(data, structure)
    assert dataset.short_urn == "Dataflow=KAZMIG:DF_LABOUR_MIGRATION(1.0)" and len(dataset.data) == len(rows)
    for column, allowed in codes.items():
        assert {r[column] for r in rows} <= allowed, column
    assert max(Counter(tuple(r[d] for d in DIMENSIONS) for r in rows).values()) == 1  # one value per key

    keyed, undated = published.execute(
        "select count(period), count(*) - count(period) from core.fct_observation_current"
    ).fetchall()[0]
    assert len(rows) == keyed > 0
    assert f"{undated} without a period left out" in proc.stderr
    totals = defaultdict(float)
    for r in rows:
        totals[r["INDICATOR"]] += float(r["OBS_VALUE"])
    expected = dict(
        published.execute(
            "select indicator, sum(value) from core.fct_observation_current where period is not null group by 1"
        ).fetchall()
    )
    assert totals.keys() == expected.keys()
    assert all(abs(totals[k] - expected[k]) <= 1e-6 * max(1.0, abs(expected[k])) for k in expected)
    population_2025 = [
        r
        for r in rows
        if (r["INDICATOR"], r["REF_AREA"], r["SEX"], r["TIME_PERIOD"]) == ("population", "KZ", "_T", "2025-01-01")
    ]
    assert [float(r["OBS_VALUE"]) for r in population_2025] == [20283399.0]
    assert {r["TIME_PERIOD"] for r in rows if r["INDICATOR"] == "natural_increase"} >= {"2024-01-01/P3M"}


def test_datapackage_validates_with_frictionless(built_home, published, tmp_path):
    kazmig(built_home, "export", "--format", "datapackage", "--out", str(tmp_path))
    proc = subprocess.run(
        [str(BIN / "frictionless"), "validate", "--json", str(tmp_path / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["valid"], json.dumps(report["errors"] or report["tasks"])[:3000]
    marts = dict(
        published.execute(
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    )
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    titles = {r["name"]: r["title"] for r in descriptor["resources"]}
    # The marts, and the dimensions their foreign keys reference (frictionless checked every reference).
    assert sorted(titles.values()) == sorted(
        [f"marts.{name}" for name in marts] + ["core.dim_country", "core.dim_region"]
    )
    # frictionless leaves "rows" out of the stats of a table without rows (figures_to_review can be empty)
    rows = {titles[t["name"]]: t["stats"].get("rows", 0) for t in report["tasks"]}
    assert rows == {title: published.execute(f"select count(*) from {title}").fetchall()[0][0] for title in rows}
    assert descriptor["licenses"] and all(lic.get("path") for lic in descriptor["licenses"])
    assert len(descriptor["sources"]) >= 2
    schemas = {r["title"]: r["schema"] for r in descriptor["resources"]}
    for title, schema in schemas.items():
        docs = published.execute(
            "select column_name, comment from duckdb_columns() where schema_name || '.' || table_name = ? "
            "order by column_index",
            [title],
        ).fetchall()
        assert [(f["name"], f.get("description")) for f in schema["fields"]] == docs
    assert schemas["marts.region_profile"]["primaryKey"] == ["region", "year"]
    assert schemas["core.dim_region"]["primaryKey"] == ["kato"]
    assert {"fields": ["region"], "reference": {"resource": "core-dim-region", "fields": ["kato"]}} in schemas[
        "marts.region_profile"
    ]["foreignKeys"]
    aliases = next(f for f in schemas["core.dim_region"]["fields"] if f["name"] == "aliases")
    assert aliases["type"] == "array"
