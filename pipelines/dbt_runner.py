"""`dbt build` inside the Dagster step's own process, on the manifest `kazmig prepare` parsed.

Why not dagster-dbt's subprocess: a second interpreter re-imports dbt, asks `dbt --version` and,
because the profile's database path differs per KAZMIG_HOME, re-parses the whole project on
every build — three quarters of the dbt step. Here dbt's result events become Dagster events
through dagster-dbt's own conversion, so assets, checks and lineage are the same as before.
"""
from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from pipelines import settings
from pipelines.dbt_manifest import parsed_manifest_path, project
from pipelines.warehouse import build_state

# dbt's per-node result events, the ones dagster-dbt turns into materializations and checks.
_RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
_DONE = object()
_cache: dict[str, Any] = {}


def parsed_manifest():
    """The Manifest object `dbt parse` saved (dbt's partial-parse file), loaded once per process."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder
    from dbt.version import __version__

    path = parsed_manifest_path()
    stamp = f"{path}:{path.stat().st_mtime_ns}" if path.exists() else None
    if stamp is None:
        raise RuntimeError(f"{path} is missing: run `kazmig prepare` (dbt parse) first")
    if _cache.get("stamp") != stamp:
        manifest = Manifest.from_msgpack(path.read_bytes(), decoder=extended_mashumuro_decoder)
        if manifest.metadata.dbt_version != __version__:
            raise RuntimeError(f"{path} was parsed by dbt {manifest.metadata.dbt_version}, this is "
                               f"dbt {__version__}: run `kazmig prepare`")
        catalogs = {n.database for n in manifest.nodes.values() if getattr(n, "database", None)}
        if catalogs - {settings.build_db().stem}:
            raise RuntimeError(f"{path} was parsed for database {sorted(catalogs)}, the build writes "
                               f"{settings.build_db().stem!r}: run `kazmig prepare`")
        manifest.build_flat_graph()
        manifest.build_parent_and_child_maps()
        _cache.update(stamp=stamp, manifest=manifest)
    return _cache["manifest"]


@dataclass
class DbtOutcome:
    success: bool
    errors: list[str]


def build_events(args: list[str], on_result, target_path: Path) -> Iterator[dict]:
    """Run `dbt <args>` in a worker thread; yield each node's result event (dbt's JSON-log dict)
    as it finishes, then hand the outcome to `on_result`. Events stream so the step's Dagster
    events are written while dbt is still running the next nodes."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    events: queue.Queue = queue.Queue()

    def callback(msg) -> None:
        if msg.info.name in _RESULT_EVENTS:
            events.put(msg_to_dict(msg))

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = dbtRunner(manifest=parsed_manifest(), callbacks=[callback]).invoke([
                *args, "--project-dir", str(project.project_dir), "--profiles-dir", str(project.profiles_dir),
                "--target-path", str(target_path), "--log-path", str(target_path),
                # run_results.json is written below; manifest.json is prepare's, not rewritten per build
                "--no-write-json", "--log-level-file", "none", "--no-use-colors",
            ])
        except BaseException as exc:  # surfaced in the step, never lost in the thread
            outcome["exception"] = exc
        finally:
            _release_database()
            events.put(_DONE)

    os.environ["KAZMIG_BUILD_DB"] = str(settings.build_db())
    build_state.invalidate()  # dbt is about to write the build database
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    worker = threading.Thread(target=run, name="dbt-build", daemon=True)
    worker.start()
    while (item := events.get()) is not _DONE:
        yield item
    worker.join()
    if "exception" in outcome:
        raise outcome["exception"]
    on_result(_outcome(outcome["result"], target_path))


def _release_database() -> None:
    """dbt-duckdb keeps its DuckDB instance open for the life of the process; publication and
    the failure report open the build database next, so close it now."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if env is not None:
        env.close()
    reset_adapters()


def _outcome(res, target_path: Path) -> DbtOutcome:
    errors: list[str] = []
    results = getattr(res.result, "results", None) or []
    if results:
        res.result.write(str(target_path / "run_results.json"))  # failing_test_rows reads it
    for r in results:
        status = str(r.status)
        if status in ("error", "fail", "runtime error"):
            node = r.node
            where = getattr(node, "original_file_path", "") or ""
            message = (r.message or status).strip().splitlines()
            errors.append(f"{status} in {node.resource_type} {node.name} ({where}): {message[0] if message else status}")
    if res.exception is not None:
        errors.append(f"dbt: {str(res.exception).strip().splitlines()[0]}")
    return DbtOutcome(success=bool(res.success), errors=errors)


def dagster_events(context, translator, manifest: Mapping[str, Any], args: list[str]) -> Iterator:
    """Dagster events for `dbt <args>` run on the selection of this step; raises on failure with
    one line per failed node."""
    from dagster import Failure
    from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

    target = settings.dbt_target_dir()
    target.mkdir(parents=True, exist_ok=True)
    settings.build_db().parent.mkdir(parents=True, exist_ok=True)
    done: list[DbtOutcome] = []
    for raw in build_events(args, done.append, target):
        message = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
        yield from message.to_default_asset_events(manifest=manifest, dagster_dbt_translator=translator,
                                                   context=context, target_path=target, project=project)
    outcome = done[0]
    if not outcome.success:
        raise Failure(description="dbt build failed:\n" + "\n".join(outcome.errors or ["dbt failed (see build.log)"]))
