"""Dagster's SQLite run history (config/dagster.yaml: its default storage under DAGSTER_HOME)
written during a build at the cost of a transaction per event, not of a database opened and
closed with two disk flushes per event.

Dagster's SQLite storage opens a new connection for every read and write: a cold build's ~420
events made ~2 400. In WAL mode (which Dagster sets) SQLite folds the WAL back into the database
and deletes it, with a disk flush, whenever the last connection to a file closes, and each commit
flushes the WAL again. For the length of a run, `fast_history` uses two documented SQLite
settings through public APIs only:

- one connection held open to each file the run writes (history/runs.db, history/runs/index.db
  and the run's own history/runs/<run id>.db, made here in WAL mode under the run id the build
  then hands to Dagster): no connection Dagster closes is the last one, so the WAL stays;
- synchronous=NORMAL on this process's SQLite connections (SQLAlchemy's connect event): in WAL
  mode a commit then waits for no flush. The files stay consistent after any crash; a power
  loss can drop the last transactions of run history, which the warehouse does not depend on
  (a run without its success reruns everything next time: pipelines/build.py, stale_assets).

Other processes (the UI, the daemon) read and write the same files meanwhile as before. When the
storage is not SQLite under DAGSTER_HOME (no history/runs.db there), nothing is held."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path


def _normal_sync(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _no_sync(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@contextlib.contextmanager
def _on_connect(listener) -> Iterator[None]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", listener)
    try:
        yield
    finally:
        event.remove(Engine, "connect", listener)


@contextlib.contextmanager
def fast_new_storage(dagster_home: Path) -> Iterator[None]:
    """Opening the instance. In a new DAGSTER_HOME (no history/runs.db yet) Dagster creates its
    tables and indexes, each statement a commit that waits for a disk flush: 0.8-1.9 s on this
    machine, 0.2-0.3 s with synchronous=OFF, set while it does. A power loss in that moment could
    leave a damaged history, which `build.dagster_instance` sets aside and starts afresh, as it
    does any storage it cannot read: run history is scratch state."""
    new = not (dagster_home / "history" / "runs.db").exists()
    with _on_connect(_no_sync if new else _normal_sync):
        yield


def _hold(path: Path, create: bool = False) -> sqlite3.Connection | None:
    """A connection that has the file's WAL open (a read in WAL mode opens it), or None."""
    if not (create or path.is_file()):
        return None
    con = sqlite3.connect(path, timeout=30)
    try:
        if create:  # an empty file in WAL mode: Dagster creates its tables in it as in a new file
            con.execute("PRAGMA journal_mode=WAL")
        con.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.Error:
        con.close()
        return None
    return con


@contextlib.contextmanager
def fast_history(dagster_home: Path, run_id: str) -> Iterator[None]:
    history = dagster_home / "history"
    held: list[sqlite3.Connection] = []
    if (history / "runs.db").is_file() and (history / "runs").is_dir():
        shard = history / "runs" / f"{run_id}.db"
        for path, create in ((history / "runs.db", False), (history / "runs" / "index.db", False), (shard, True)):
            con = _hold(path, create)
            if con is not None:
                held.append(con)
    try:
        with _on_connect(_normal_sync):
            yield
    finally:
        for con in held:  # the last connection to each file: SQLite folds its WAL back
            con.close()
