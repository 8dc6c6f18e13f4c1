"""Publication: the build database becomes the published warehouse by one atomic rename.

The published file is a copy written in an older storage format (STORAGE_VERSION), so DuckDB 1.4
and 1.5 clients (DBeaver's and Evidence's JDBC drivers, Node's @duckdb/node-api, ibis on 1.x) open
it as well as 2.0; the build database keeps DuckDB 2.0's own format. Readers that hold the old
file open keep their (unlinked) inode and see the new data when they reconnect; a build that fails
before this step never touches the published file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.files import atomic_replace

# The oldest format DuckDB 2.0 writes that 1.4 and 1.5 read (2.0's own, version 69, they refuse).
STORAGE_VERSION = "v1.4.0"


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def publish(build: Path | None = None, target: Path | None = None) -> Path:
    build = build or settings.build_db()
    target = target or settings.published_db()
    if not build.is_file():
        # ATTACH would create an empty database and we would publish it.
        raise FileNotFoundError(f"{build}: no build database to publish")
    target.parent.mkdir(parents=True, exist_ok=True)
    # A build killed mid-copy leaves its temporary file (and its WAL) behind; writers are
    # serialised, so any such file is an orphan.
    for orphan in target.parent.glob(f".{target.name}.*.tmp*"):
        orphan.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(build)} as build")
        con.execute("checkpoint build")  # fold the WAL in: the copy reads the file as a whole
        con.execute(f"attach {_literal(tmp)} as published (storage_version '{STORAGE_VERSION}')")
        # Tables with their constraints and comments, views, types: the whole catalog and data.
        con.execute("copy from database build to published")
        con.execute("detach published")  # checkpoints: the file is complete, no WAL beside it
        con.execute("detach build")
        atomic_replace(tmp, target)
    finally:
        con.close()
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target
