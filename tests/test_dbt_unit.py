"""The dbt unit tests of the marts' arithmetic (`unit_tests:` in the marts' ymls,
sql/models/marts/<mart>.yml), run alone by dbt in this process. A unit test reads its model's parents' column types from the database, so it
runs on a copy of a built warehouse (the given rows replace the parents' data)."""

import json
import shutil

from dbt.cli.main import dbtRunner

from pipelines.dbt import run as dbt_run
from pipelines.dbt.manifest import BUILD_DB_VAR, PROFILES_DIR, PROJECT_DIR


def test_dbt_unit_tests_pass(tmp_path, built_home):
    database = tmp_path / "kazmig.duckdb"  # the build database's stem: the manifest names it
    shutil.copyfile(built_home / "warehouse" / "kazmig.duckdb", database)
    target = tmp_path / "target"
    manifest = dbt_run.parse(target)
    args = ["test", "--select", "test_type:unit", "--project-dir", str(PROJECT_DIR)]
    args += ["--profiles-dir", str(PROFILES_DIR), "--no-use-colors", "--no-send-anonymous-usage-stats"]
    args += ["--target-path", str(target), "--log-path", str(target)]
    args += ["--vars", json.dumps({BUILD_DB_VAR: str(database)})]
    outcome = dbtRunner(manifest=manifest).invoke(args)

    assert outcome.result is not None, f"dbt stopped: {outcome.exception}"
    results = {r.node.name: (str(r.status), r.message) for r in outcome.result.results}
    assert all(r.node.resource_type == "unit_test" for r in outcome.result.results)
    assert len(results) >= 4, results
    failed = {name: result for name, result in results.items() if result[0] != "pass"}
    assert not failed, failed
    assert outcome.success
