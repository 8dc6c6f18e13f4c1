"""One writer at a time on a KAZMIG_HOME: builds, fetches and landings take the same lock.

DuckDB allows a single writer process, and a build must read the landed files as they were when
it started: a fetch or a landing that changed raw/ under a running build would mix two sets of
inputs. `kazmig build` and `kazmig fetch` refuse at once while another holder runs (exit 75);
runs launched by Dagster (UI, schedule, sensor) wait for the lock through the `warehouse_lock`
resource. The lock is re-entrant within a process (a `kazmig build` runs its Dagster job in
process) and goes with the process, also after kill -9 (filelock's flock on the file).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from pipelines import settings


class BuildLocked(RuntimeError):
    pass


def lock_path():
    return settings.warehouse_dir() / "build" / ".lock"


def _lock(path) -> FileLock:
    # One instance per path in the process (is_singleton) whose holds count across threads
    # (thread_local=False): the re-entrancy is the process's, as Dagster's in-process steps need.
    # The file stays on release (preserve_lock_file): it holds the last holder's name, and a
    # waiter keeps the inode the holder locked.
    return FileLock(path, thread_local=False, is_singleton=True, preserve_lock_file=True, on_acquired=_sign)


def _sign(fd: int) -> None:
    """Write "pid what" into the lock file, for the message of the process it refuses."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, _me().encode(), 0)


def _holder(path) -> str:
    """ "pid N, what it runs" as the holder wrote it."""
    try:
        with open(path, "rb") as f:
            text = f.read(200).decode(errors="replace").strip()
    except OSError:
        text = ""
    pid, _, what = text.partition(" ")
    return f"pid {pid or '?'}" + (f", {what}" if what else "")


def _me() -> str:
    from pipelines.messages import shown

    cmd = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    what = f"kazmig {sys.argv[1]}" if cmd == "kazmig" and len(sys.argv) > 1 else f"a Dagster run ({shown(cmd)})"
    return f"{os.getpid()} {what}"[:190]


@contextmanager
def build_lock(wait: float = 0.0, poll: float = 0.5) -> Iterator[None]:
    """Hold the home's writer lock. wait=0 refuses at once (BuildLocked) when another process
    holds it; otherwise waits up to `wait` seconds."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(path)
    try:
        lock.acquire(timeout=wait, poll_interval=poll)
    except Timeout:
        raise BuildLocked(
            f"another kazmig process is writing {settings.home()} ({_holder(path)}); "
            + (f"waited {wait:g} s; " if wait else "")
            + "try again when it has finished"
        ) from None
    try:
        yield
    finally:
        lock.release()
