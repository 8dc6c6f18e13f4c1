"""Offline builds rerun only what depends on the inputs that changed, and their warehouse is the
one a full rebuild from the same inputs publishes; anything that leaves the build database
unverified (a failed build) makes the next build a full one."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from conftest import kazmig, make_home


def marts(db: Path) -> dict[str, list]:
    """Every mart's rows, sorted (the order of a table is not part of its contents), without the
    time each build judged freshness at (source_freshness.evaluated_at)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
        return {n: sorted(map(repr, con.execute(
                    f"select * exclude (evaluated_at) from marts.{n}" if n == "source_freshness"
                    else f"select * from marts.{n}").fetchall())) for n in names}
    finally:
        con.close()


def scope(home: Path) -> str:
    return json.loads((home / "warehouse" / "last_build.json").read_text())["scope"]


def test_changed_document_rebuilds_its_part_and_equals_a_full_build(tmp_path, shared_bns):
    home = make_home(tmp_path / "home")
    kazmig(home, "fetch", "--from", str(shared_bns))
    kazmig(home, "build", "--offline")
    assert scope(home) == "everything"
    note = next((home / "raw" / "documents").glob("*.pdf"))
    # a new revision of the note: new content hash, so new provenance in every fact it feeds
    note.write_bytes(note.read_bytes() + b"\n% revised\n")

    out = kazmig(home, "build", "--offline").stdout
    assert "rebuilt: what depends on the documents (changed); the bureau kept as built" in out, out
    assert "kept from the last build" in out  # the bureau sources, as the last build used them
    incremental = marts(home / "warehouse" / "kazmig.duckdb")

    kazmig(home, "build", "--offline", "--force")
    assert scope(home) == "everything"
    assert marts(home / "warehouse" / "kazmig.duckdb") == incremental
    sha = kazmig(home, "query", "select distinct document_sha256 from marts.note_claims", "--format", "json").stdout
    assert len(json.loads(sha)) == 1  # the old revision is gone from the marts, not kept beside


def test_after_a_failed_build_the_next_one_rebuilds_everything(tmp_path, shared_bns):
    home = make_home(tmp_path / "home")
    kazmig(home, "fetch", "--from", str(shared_bns))
    kazmig(home, "build", "--offline")
    bad = home / "raw" / "documents" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n truncated")
    assert kazmig(home, "build", "--offline", check=False).returncode != 0
    assert not (home / "warehouse" / "build" / "state.json").exists()  # the build database is unverified

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
