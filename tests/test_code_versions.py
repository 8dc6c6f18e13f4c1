"""Code versions change only when code changes: the dbt assets' come from what dbt's manifest
says defines each model, so files that tools write beside the project (dbt's own `.user.yml`,
logs, editor files) leave every asset synced and a build a no-op."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, REPO, kazmig
from pipelines.dbt.manifest import MANIFEST, PARSE_DB, code_versions

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first

TOOL_FILES = [
    "sql/.user.yml",  # dbt writes it when it runs with usage statistics on
    "sql/logs/kazmig-test-dbt.log",
    "sql/models/.DS_Store",
    "sql/models/marts/.region_profile.yml.swp",
    "sql/models/marts/.~lock.region_profile.yml#",
    "pipelines/sources/bns/.ipynb_checkpoints/scratch-checkpoint.yml",
]


def test_files_tools_write_in_the_project_leave_the_build_a_no_op(built_copy):
    home = built_copy
    made = []
    try:
        for rel in TOOL_FILES:
            path = REPO / rel
            if path.exists():  # a real one of the developer's: left as it is
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("id: 5f1c2a9e-test\n")
            made.append(path)
        out = kazmig(home, "build", "--offline").stdout
        assert "nothing changed since the last published build" in out, out

        # Past the quick check, Dagster's own versions decide: every asset's code version (the
        # dbt models' from the manifest) must equal the one it last ran, so nothing reruns.
        last = home / "warehouse" / "last_build.json"
        record = json.loads(last.read_text())
        record["versions"]["code"] = "changed-by-the-test"
        last.write_text(json.dumps(record))
        out = kazmig(home, "build", "--offline").stdout
        assert "nothing changed since the last published build" in out, out
        assert "rebuilt:" not in out
    finally:
        for path in made:
            path.unlink()
        for rel in ("pipelines/sources/bns/.ipynb_checkpoints",):
            if (REPO / rel).is_dir() and not any((REPO / rel).iterdir()):
                (REPO / rel).rmdir()


def test_code_versions_come_from_definitions_not_from_when_dbt_parsed(tmp_path: Path):
    prepared = json.loads(MANIFEST.read_text())
    env = {**os.environ, "KAZMIG_BUILD_DB": str(PARSE_DB), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    paths = ["--target-path", str(tmp_path), "--log-path", str(tmp_path)]
    sql = ["--project-dir", str(REPO / "sql"), "--profiles-dir", str(REPO / "sql")]
    subprocess.run([str(BIN / "dbt"), "parse", "--quiet", *sql, *paths], env=env, check=True, cwd=tmp_path)
    fresh = json.loads((tmp_path / "manifest.json").read_text())
    assert fresh["metadata"]["invocation_id"] != prepared["metadata"]["invocation_id"]
    versions = code_versions(prepared)
    assert code_versions(fresh) == versions
    assert len(versions) >= 30  # every model and seed

    # one model edited: its own version changes, no other model's (its dependants rerun through
    # Dagster's data versions, not by a code change of theirs)
    uid = "model.kazmig.region_profile"
    prepared["nodes"][uid]["checksum"]["checksum"] = "0" * 64
    edited = code_versions(prepared)
    assert {k for k in versions if edited[k] != versions[k]} == {uid}

    # a test on a model is part of it: a changed check reruns the model it checks
    test = next(t for t in prepared["child_map"][uid] if t.startswith("test."))
    prepared["nodes"][test]["raw_code"] += " -- changed"
    assert code_versions(prepared)[uid] != edited[uid]

    # so is a unit test: a build whose models' code versions are unchanged skips the unit tests
    unit = next(t for t in prepared["child_map"][uid] if t.startswith("unit_test."))
    before = code_versions(prepared)
    prepared["unit_tests"][unit]["expect"]["rows"].append({"region": "edited"})
    after = code_versions(prepared)
    assert {k for k in before if after[k] != before[k]} == {uid}
