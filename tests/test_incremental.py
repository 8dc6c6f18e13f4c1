"""Offline builds rerun only what Dagster's data and code versions say is stale, and their
warehouse is the one a full rebuild from the same inputs publishes; anything that leaves the build
database unverified (a failed build) makes the next build a full one; what a build read is
versioned before it reads it, so a file landed during a build is the next build's change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from conftest import BIN, kazmig, make_home
from fixtures_pdf import prose_pdf

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


def test_a_new_bureau_vintage_rebuilds_what_depends_on_the_bureau(tmp_path, shared_bns):
    home = make_home(tmp_path / "home")
    first = tmp_path / "bns_first"
    first.mkdir()
    files = sorted(p for p in shared_bns.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    shutil.copyfile(files[0], first / files[0].name)
    kazmig(home, "fetch", "--from", str(first))
    kazmig(home, "build", "--offline")
    kazmig(home, "fetch", "--from", str(shared_bns))  # the rest of the bureau's tables land

    out = kazmig(home, "build", "--offline").stdout
    assert "rebuilt: what depends on the bureau (changed); the documents kept as built" in out, out
    incremental = marts(home / "warehouse" / "kazmig.duckdb")
    kazmig(home, "build", "--offline", "--force")
    assert marts(home / "warehouse" / "kazmig.duckdb") == incremental


def test_a_document_landed_while_a_build_runs_is_the_next_builds_change(tmp_path, shared_bns):
    home = make_home(tmp_path / "home")
    kazmig(home, "fetch", "--from", str(shared_bns))
    env = {
        **os.environ,
        "KAZMIG_HOME": str(home),
        "DAGSTER_HOME": str(home / ".dagster"),
        "KAZMIG_BNS_BASE_URL": "http://127.0.0.1:9",
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }
    build = subprocess.Popen(
        [str(BIN / "kazmig"), "build", "--offline"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = home / ".dbt" / "dbt.log"
    deadline = time.monotonic() + 300
    # dbt has started: raw/documents listed (and versioned) the documents some time ago
    while not (log.exists() and " START " in log.read_text(errors="replace")):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()[0]
        time.sleep(0.05)
    prose_pdf(
        home / "raw" / "documents" / "late_note.pdf",
        [["Численность населения Акмолинской области на 1 июля 2025г. составила 790,1 тыс. человек."]],
    )
    out = build.communicate(timeout=600)[0]
    assert build.returncode == 0 and "late_note.pdf" not in out, out

    out = kazmig(home, "build", "--offline").stdout
    assert "nothing changed" not in out, out
    assert "rebuilt: what depends on the documents (changed); the bureau kept as built" in out, out
    assert "late_note.pdf" in out
    docs = kazmig(home, "query", "select name from raw.documents order by name", "--format", "json").stdout
    assert [d["name"] for d in json.loads(docs)] == ["labour_migration_note.pdf", "late_note.pdf"]


def test_the_corrections_file_versioned_is_the_one_applied(tmp_path, monkeypatch):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path))
    from pipelines import settings
    from pipelines.sources.documents.corrections import path_in
    from pipelines.warehouse.inputs import corrections_path

    assert corrections_path() == path_in(settings.documents_dir())
