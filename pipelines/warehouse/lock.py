"""One warehouse writer at a time: DuckDB allows a single writer process."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from typing import Iterator

from pipelines import settings


class BuildLocked(RuntimeError):
    pass


@contextmanager
def build_lock() -> Iterator[None]:
    path = settings.warehouse_dir() / "build" / ".lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            raise BuildLocked(
                f"another kazmig build is running (pid {holder}) on {settings.warehouse_dir()}; "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock, also after kill -9
