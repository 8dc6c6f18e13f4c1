"""Dagster's SQLite storage as the build opens it (pipelines/warehouse/event_log.py): the files a
new home gets are the ones Dagster makes by itself, only made faster."""

from __future__ import annotations

import shutil
import sqlite3

from dagster import DagsterInstance

from pipelines import settings
from pipelines.warehouse.event_log import fast_new_storage

STORAGE = ("history/runs.db", "history/runs/index.db", "schedules/schedules.db")


def _schema(path) -> dict:
    con = sqlite3.connect(path)
    try:
        return {
            "journal_mode": con.execute("PRAGMA journal_mode").fetchone()[0],
            "objects": sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()),
            # Dagster's bookkeeping: the schema's revision, the data migrations it marked done
            **{
                table: con.execute(f"SELECT {column} FROM {table} ORDER BY 1").fetchall()  # noqa: S608
                for table, column in (("alembic_version", "version_num"), ("secondary_indexes", "name"))
                if con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone()
            },
        }
    finally:
        con.close()


def _open(home, monkeypatch, fast: bool) -> None:
    home.mkdir()
    shutil.copyfile(settings.REPO_ROOT / "config" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    if fast:
        with fast_new_storage(home):
            instance = DagsterInstance.get()
            instance.get_run_records(limit=1)
    else:
        instance = DagsterInstance.get()
        instance.get_run_records(limit=1)
    instance.dispose()


def test_a_new_homes_storage_is_the_one_dagster_makes(tmp_path, monkeypatch):
    _open(tmp_path / "plain", monkeypatch, fast=False)
    _open(tmp_path / "fast", monkeypatch, fast=True)
    for rel in STORAGE:
        plain, fast = _schema(tmp_path / "plain" / rel), _schema(tmp_path / "fast" / rel)
        assert fast == plain, rel
        assert fast["journal_mode"] == "wal" and fast["objects"], rel


def _synchronous(db) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as con:
        value = con.execute(text("PRAGMA synchronous")).scalar()
    engine.dispose()
    return value


def test_no_flush_only_while_a_new_home_is_made(tmp_path):
    """0 = OFF while a new home's storage is created, 1 = NORMAL when it exists, SQLite's default
    (2 = FULL) outside: the setting does not outlive opening the instance."""
    home, db = tmp_path / "home", tmp_path / "other.db"
    with fast_new_storage(home):
        during_new = _synchronous(db)
    (home / "history").mkdir(parents=True)
    (home / "history" / "runs.db").touch()
    with fast_new_storage(home):
        during_existing = _synchronous(db)
    assert (during_new, during_existing, _synchronous(db)) == (0, 1, 2)
