"""One writer at a time on a KAZMIG_HOME: builds, fetches and landings take the same lock.

DuckDB allows a single writer process, and a build must read the landed files as they were when
it started: a fetch or a landing that changed raw/ under a running build would mix two sets of
inputs. `kazmig build` and `kazmig fetch` refuse at once while another holder runs (exit 75);
runs launched by Dagster (UI, schedule, sensor) wait for the lock through the `warehouse_lock`
resource. The lock is re-entrant within a process (a `kazmig build` runs its Dagster job in
process) and goes with the process, also after kill -9.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pipelines import settings


class BuildLocked(RuntimeError):
    pass


_held: dict[str, int] = {}  # lock path -> depth, in this process
_guard = threading.Lock()


def lock_path():
    return settings.warehouse_dir() / "build" / ".lock"


def _holder(fd: int) -> str:
    """ "pid N, what it runs" as the holder wrote it."""
    text = os.pread(fd, 200, 0).decode(errors="replace").strip()
    pid, _, what = text.partition(" ")
    return f"pid {pid or '?'}" + (f", {what}" if what else "")


def _me() -> str:
    import sys

    from pipelines.messages import shown

    cmd = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    what = f"kazmig {sys.argv[1]}" if cmd == "kazmig" and len(sys.argv) > 1 else f"a Dagster run ({shown(cmd)})"
    return f"{os.getpid()} {what}"[:190]


@contextmanager
def build_lock(wait: float = 0.0, poll: float = 0.5) -> Iterator[None]:
    """Hold the home's writer lock. wait=0 refuses at once (BuildLocked) when another process
    holds it; otherwise waits up to `wait` seconds."""
    path = lock_path()
    key = str(path)
    with _guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLocked(
                        f"another kazmig process is writing {settings.home()} ({_holder(fd)}); "
                        + (f"waited {wait:g} s; " if wait else "")
                        + "try again when it has finished"
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _me().encode(), 0)
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
    finally:
        os.close(fd)  # closing releases the flock


def held() -> bool:
    """True when this process holds the lock of the current home."""
    return bool(_held.get(str(lock_path())))
