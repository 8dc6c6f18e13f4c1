"""`python -m pipelines.dbt_worker`: one dbt command in its own process, started before it is needed.

dbt's work is Python and so is Dagster's handling of the events it produces: in one process they
take turns on one core. `kazmig build` starts this worker first, so dbt is imported and the
parsed manifest loaded on the other core while Dagster loads; the dbt step then sends the command
on stdin. Protocol, one JSON object per line on stdout: {"event": <dbt result event>} per node,
then {"outcome": {...}}. dbt's own log goes to stderr (the build log, or the step's logs).
"""
from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import sys
import threading
from dataclasses import asdict
from pathlib import Path


def _die_with_parent() -> None:
    # A worker outliving a killed build would keep writing the build database (Linux: the
    # kernel sends SIGKILL when the parent goes; the check covers a parent already gone).
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if str(os.getppid()) != os.environ.get("KAZMIG_DBT_PARENT", str(os.getppid())):
        os._exit(1)


def main() -> int:
    from pipelines.cli import GC_THRESHOLDS  # the same reasoning as for kazmig itself

    gc.set_threshold(*GC_THRESHOLDS)
    _die_with_parent()
    protocol, sys.stdout = sys.stdout, sys.stderr  # dbt prints its log to stdout: send it to stderr
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    from pipelines.dbt_runner import RESULT_EVENTS, DbtOutcome, outcome_of, parsed_manifest

    manifest = parsed_manifest()
    _warm_up(dbtRunner, manifest)
    line = sys.stdin.readline()
    if not line:  # the build ended before its dbt step: nothing to do
        return 0
    request = json.loads(line)
    os.environ.update(request["env"])
    lock = threading.Lock()

    def send(message: dict) -> None:
        with lock:  # dbt calls back from its worker threads
            protocol.write(json.dumps(message, default=str) + "\n")
            protocol.flush()

    def callback(msg) -> None:
        if msg.info.name in RESULT_EVENTS:
            send({"event": msg_to_dict(msg)})

    try:
        result = dbtRunner(manifest=manifest, callbacks=[callback]).invoke(request["args"])
        outcome = outcome_of(result, Path(request["target"]))
    except BaseException as exc:  # reported by the step, one line
        outcome = DbtOutcome(success=False, errors=[f"dbt: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"])
    _close_database()
    send({"outcome": asdict(outcome)})
    # Skip the interpreter's teardown of dbt's thousands of objects (most of a second): the
    # database is closed and every line is flushed.
    os._exit(0)


def _warm_up(dbtRunner, manifest) -> None:
    """dbt's first command in a process spends a second building JSON schemas and loading the
    profile and adapter; spend it on `dbt ls` while the parent is still loading, so the build's
    command starts at once. `ls` opens no database connection: the parent may be writing."""
    from pipelines import settings
    from pipelines.dbt_manifest import PROFILES_DIR, PROJECT_DIR

    os.environ.setdefault("KAZMIG_BUILD_DB", str(settings.build_db()))
    quiet, sys.stdout = sys.stdout, open(os.devnull, "w")
    try:
        dbtRunner(manifest=manifest).invoke([
            "ls", "--quiet", "--resource-type", "seed", "--output", "name", "--log-level-file", "none",
            "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR),
            "--target-path", str(settings.dbt_target_dir()), "--log-path", str(settings.dbt_target_dir())])
    except Exception:  # only a warm-up: the real command reports any problem
        pass
    finally:
        sys.stdout.close()
        sys.stdout = quiet


def _close_database() -> None:
    """Close dbt-duckdb's DuckDB instance (kept open for the process) so the build database is
    checkpointed and unlocked before the parent publishes it."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if env is not None:
        env.close()


if __name__ == "__main__":
    sys.exit(main())
