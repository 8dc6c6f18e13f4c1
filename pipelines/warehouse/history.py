"""Dagster's own run history, read through its public API: the last run of any kind (`kazmig
build`, the UI, the inbox sensor, the schedule, the automation sensor) and what the last
publication published. `kazmig status` and the damage check judge the published file by it, so a
warehouse a sensor's run published is not taken for a damaged one.

Read only: a home whose Dagster storage is missing or unreadable has no history here (the next
build sets unreadable storage aside)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines import settings

PUBLISHED = ["warehouse", "published"]  # the asset whose materialization is a publication
COMMAND_TAG = "kazmig/command"  # set by `kazmig build` on its runs


def dagster_home() -> Path:
    return settings.dagster_home()


@contextmanager
def _instance():
    """The home's Dagster instance, or None when it has no readable history."""
    home = dagster_home()
    if not (home / "dagster.yaml").is_file():
        yield None
        return
    from dagster import DagsterInstance

    before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    instance = None
    try:
        try:
            instance = DagsterInstance.get()
        except Exception:  # noqa: BLE001 - unreadable storage is no history, not a crash
            instance = None
        yield instance
    finally:
        if instance is not None:
            instance.dispose()
        if before is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = before


@dataclass
class Run:
    run_id: str
    job: str
    status: str  # SUCCESS, FAILURE, CANCELED, STARTED, QUEUED, ...
    started_by: str
    when: datetime | None
    published: bool  # this run materialized warehouse/published
    errors: list[str] = field(default_factory=list)  # one line per failed step


@dataclass
class History:
    last_run: Run | None
    published_sha256: str | None  # what the last publication (by any run) published
    published_run: str | None


def started_by(tags: dict) -> str:
    if tags.get("dagster/sensor_name"):
        return f"the sensor {tags['dagster/sensor_name']}"
    if tags.get("dagster/schedule_name"):
        return f"the schedule {tags['dagster/schedule_name']}"
    if tags.get(COMMAND_TAG):
        return f"kazmig {tags[COMMAND_TAG]}"
    if tags.get("dagster/from_ui"):
        return "the UI"
    return "the UI or Dagster's API"


def read_history(with_errors: bool = True) -> History | None:
    """The last run and the last publication, or None when there is no readable history."""
    from dagster import AssetKey, DagsterEventType

    try:
        with _instance() as instance:
            if instance is None:
                return None
            event = instance.get_latest_materialization_event(AssetKey(PUBLISHED))
            mat = event.asset_materialization if event is not None else None
            sha = mat.metadata.get("sha256") if mat is not None else None
            records = instance.get_run_records(limit=1)
            run = None
            if records:
                record = records[0]
                r = record.dagster_run
                ended = record.end_time or record.start_time
                run = Run(
                    run_id=r.run_id,
                    job=r.job_name,
                    status=r.status.value,
                    started_by=started_by(dict(r.tags)),
                    when=datetime.fromtimestamp(ended, UTC) if ended else record.create_timestamp,
                    published=event is not None and event.run_id == r.run_id,
                )
                if with_errors and r.status.value == "FAILURE":
                    for e in instance.all_logs(r.run_id, of_type=DagsterEventType.STEP_FAILURE):
                        error = e.dagster_event.step_failure_data.error if e.dagster_event else None
                        first = (error.message if error else "failed").strip().splitlines()
                        run.errors.append(f"{e.step_key}: {first[0] if first else 'failed'}")
            return History(
                last_run=run,
                published_sha256=sha.value if sha is not None else None,
                published_run=event.run_id if event is not None else None,
            )
    except Exception:  # noqa: BLE001 - a history that cannot be read is no history
        return None
