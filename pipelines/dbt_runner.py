"""`dbt build` for the Dagster step, on the manifest `kazmig prepare` parsed, in a worker process
started ahead of time (pipelines/dbt_worker.py).

Why not dagster-dbt's own subprocess: it re-imports dbt when the step starts, asks `dbt --version`
and, because the profile's database path differs per KAZMIG_HOME, re-parses the whole project on
every build — three quarters of the dbt step. dbt's result events still become Dagster events
through dagster-dbt's own conversion, so assets, checks and lineage are as dagster-dbt makes them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from pipelines import settings
from pipelines.dbt_manifest import PROFILES_DIR, PROJECT_DIR, parsed_manifest_path
from pipelines.warehouse import build_state

# dbt's per-node result events, the ones dagster-dbt turns into materializations and checks.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
_cache: dict[str, Any] = {}
DBT_FAILED = "dbt build failed:"  # a failed step's description starts so; one line per failed node follows


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


_prestarted: subprocess.Popen | None = None


def _spawn(stderr=None) -> subprocess.Popen:
    env = {**os.environ, "KAZMIG_DBT_PARENT": str(os.getpid()), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.Popen([sys.executable, "-m", "pipelines.dbt_worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=stderr, env=env, text=True, encoding="utf-8")


def prestart(log=None) -> None:
    """Start the dbt worker now, so it loads dbt while this process loads Dagster (kazmig build)."""
    global _prestarted
    _prestarted = _spawn(stderr=log)


def discard_prestarted() -> None:
    """The run ended without using the worker (it failed before dbt, or dbt was not selected)."""
    global _prestarted
    worker, _prestarted = _prestarted, None
    if worker is not None:
        worker.stdin.close()  # end of input: it exits
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def build_events(args: list[str], on_result, target_path: Path) -> Iterator[dict]:
    """Run `dbt <args>` in the worker process; yield each node's result event (dbt's JSON-log dict)
    as it finishes, then hand the outcome to `on_result`. Events stream, so the step's Dagster
    events are written on this core while dbt runs the next nodes on the other."""
    global _prestarted
    worker, _prestarted = _prestarted, None
    if worker is None or worker.poll() is not None:
        worker = _spawn()
    build_state.invalidate()  # dbt is about to write the build database
    worker.stdin.write(json.dumps({
        "args": [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR),
                 "--target-path", str(target_path), "--log-path", str(target_path),
                 # run_results.json is written by the worker; manifest.json is prepare's, not rewritten
                 "--no-write-json", "--log-level-file", "none", "--no-use-colors"],
        "env": {"KAZMIG_BUILD_DB": str(settings.build_db())},
        "target": str(target_path),
    }) + "\n")
    worker.stdin.close()
    outcome = None
    try:
        for line in worker.stdout:
            message = json.loads(line)
            if "event" in message:
                yield message["event"]
            elif "outcome" in message:
                outcome = DbtOutcome(**message["outcome"])
    finally:
        if outcome is None and worker.poll() is None:  # the step was interrupted: stop dbt too
            worker.kill()
        code = worker.wait()
    if outcome is None:
        raise RuntimeError(f"the dbt worker exited with {code} before reporting an outcome (see the build log)")
    on_result(outcome)


def outcome_of(res, target_path: Path) -> DbtOutcome:
    """Success and one line per failed node; writes run_results.json (failing_test_rows reads it)."""
    errors: list[str] = []
    results = getattr(res.result, "results", None) or []
    if results:
        res.result.write(str(target_path / "run_results.json"))
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


def dagster_events(context, translator, manifest: Mapping[str, Any], args: list[str], project) -> Iterator:
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
        raise Failure(description=DBT_FAILED + "\n" + "\n".join(outcome.errors or ["dbt failed (see build.log)"]))
