"""Scheduled refresh: a changed bureau table triggers downstream work, an unchanged one nothing."""

from __future__ import annotations

import dagster as dg
from dagster import AssetKey

from bns_server import bns_files, bns_server  # noqa: F401  (fixtures)


def test_changed_table_triggers_downstream_unchanged_triggers_nothing(tmp_path, monkeypatch, bns_server):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KAZMIG_BNS_BASE_URL", bns_server.url)
    from pipelines.definitions import defs

    schedule = defs.get_schedule_def("bns_daily_refresh")
    assert schedule.execution_timezone == "Asia/Almaty"
    job = defs.resolve_job_def("bns_refresh")
    instance = dg.DagsterInstance.ephemeral()
    observations = AssetKey(["raw", "bns_observations"])

    baseline = dg.evaluate_automation_conditions(defs=defs, instance=instance)  # the daemon's first tick
    first = job.execute_in_process(instance=instance)
    fetched = {e.asset_key for e in first.get_asset_materialization_events()}
    assert {k.path[0] for k in fetched} == {"bns"} and len(fetched) == 4
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=baseline.cursor)
    assert tick.get_num_requested(observations) == 1

    second = job.execute_in_process(instance=instance)
    assert second.success
    assert second.get_asset_materialization_events() == []  # every table answered 304
    from pipelines.sources.bns.fetch import read_manifest

    last = read_manifest()[-4:]
    assert [(r["outcome"], r["status"]) for r in last] == [("unchanged", 304)] * 4
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
    assert tick.get_num_requested(observations) == 0
    assert tick.total_requested == 0
