"""What lands between builds is the next build's change, and that build's warehouse is the one a
full rebuild publishes: new bureau tables rebuild what depends on the bureau; what a build read is
versioned before it reads it, so a document landed while a build runs is the next build's change.
(The rest of the incremental builds: test_incremental.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest
from test_incremental import marts

from conftest import BIN, home_env, kazmig, make_home
from fixtures_pdf import prose_pdf

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


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


def test_a_document_landed_while_a_build_runs_is_the_next_builds_change(built_copy):
    home = built_copy  # built once in full; the build that runs is one of a new revision of the note
    note = home / "raw" / "documents" / "labour_migration_note.pdf"
    note.write_bytes(note.read_bytes() + b"\n% revised\n")
    log = home / ".dbt" / "dbt.log"
    seen = log.stat().st_size  # dbt appends: what is past this is the running build's
    env = home_env(home)
    build = subprocess.Popen(
        [str(BIN / "kazmig"), "build", "--offline"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 300
    # dbt has started: raw/documents listed (and versioned) the documents some time ago
    while " START " not in log.read_bytes()[seen:].decode(errors="replace"):
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
