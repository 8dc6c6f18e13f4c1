"""Publication: the build database becomes the published warehouse by one atomic rename.

Readers that hold the old file open keep their (unlinked) inode and see the new data when they
reconnect; a build that fails before this step never touches the published file.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipelines import settings


def publish(build: Path | None = None, target: Path | None = None) -> Path:
    build = build or settings.build_db()
    target = target or settings.published_db()
    if not build.is_file():
        # duckdb.connect would create an empty database and we would publish it.
        raise FileNotFoundError(f"{build}: no build database to publish")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Fold the WAL into the file so the copy is complete on its own.
    con = duckdb.connect(str(build))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    # A build killed mid-copy leaves its temporary file behind; writers are serialised, so any
    # such file is an orphan.
    for orphan in target.parent.glob(f".{target.name}.*.tmp"):
        orphan.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(build, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target
