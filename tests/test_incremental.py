"""Offline builds rerun only what Dagster's data and code versions say is stale, and their
warehouse is the one a full rebuild from the same inputs publishes; anything that leaves the build
database unverified (a failed build) makes the next build a full one. (New bureau files and a
document landed mid-build: test_incremental_landing.py, a module of its own so the two workers
share these builds.)"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from conftest import kazmig

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


def marts(db: Path) -> dict[str, list]:
    """Every mart's rows, sorted (the order of a table is not part of its contents), without the
    time each build judged freshness at (source_freshness.evaluated_at)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            n: sorted(
                map(
                    repr,
                    con.execute(
                        f"select * exclude (evaluated_at) from marts.{n}"
                        if n == "source_freshness"
                        else f"select * from marts.{n}"
                    ).fetchall(),
                )
            )
            for n in names
        }
    finally:
        con.close()


def scope(home: Path) -> str:
    return json.loads((home / "warehouse" / "last_build.json").read_text())["scope"]


def dbt_ran(home: Path) -> set[str]:
    """The kinds of dbt node (model, test, unit_test, seed) the last build's dbt run ran."""
    results = json.loads((home / ".dbt" / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[0] for r in results}


def test_changed_document_rebuilds_its_part_and_equals_a_full_build(built_copy):
    home = built_copy  # fetched from the shared bureau files and built once, in full
    assert scope(home) == "everything"
    note = next((home / "raw" / "documents").glob("*.pdf"))
    # a new revision of the note: new content hash, so new provenance in every fact it feeds
    note.write_bytes(note.read_bytes() + b"\n% revised\n")

    out = kazmig(home, "build", "--offline").stdout
    assert "rebuilt: what depends on the documents (changed); the bureau kept as built" in out, out
    assert "kept from the last build" in out  # the bureau sources, as the last build used them
    incremental = marts(home / "warehouse" / "kazmig.duckdb")
    # only data changed: dbt's data tests ran again, its unit tests (fixed rows, same SQL) did not
    assert {"model", "test"} <= dbt_ran(home) and "unit_test" not in dbt_ran(home)

    kazmig(home, "build", "--offline", "--force")
    assert scope(home) == "everything"
    assert "unit_test" in dbt_ran(home)
    assert marts(home / "warehouse" / "kazmig.duckdb") == incremental
    sha = kazmig(home, "query", "select distinct document_sha256 from marts.note_claims", "--format", "json").stdout
    assert len(json.loads(sha)) == 1  # the old revision is gone from the marts, not kept beside


def test_after_a_failed_build_the_next_one_rebuilds_everything(built_copy):
    home = built_copy  # a published build
    bad = home / "raw" / "documents" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n truncated")
    assert kazmig(home, "build", "--offline", check=False).returncode != 0

    bad.unlink()  # the documents are back as the last published build had them
    out = kazmig(home, "build", "--offline").stdout
    assert "rebuilt:" not in out and scope(home) == "everything", out


def test_the_corrections_file_versioned_is_the_one_applied(tmp_path, monkeypatch):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path))
    from pipelines import settings
    from pipelines.sources.documents.corrections import path_in
    from pipelines.warehouse.inputs import corrections_path

    assert corrections_path() == path_in(settings.documents_dir())
