"""`kazmig build`: every asset in one in-process Dagster run, then a summary."""
from __future__ import annotations

import contextlib
import json
import re
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipelines import settings
from pipelines.files import sha256_file
from pipelines.dbt_runner import DBT_FAILED
from pipelines.messages import shown
from pipelines.warehouse import build_state
from pipelines.warehouse.fingerprint import input_groups, inputs_fingerprint
from pipelines.warehouse.lock import build_lock
from pipelines.warehouse.verify import published_damage, reset_build_db


@dataclass
class BuildReport:
    success: bool
    elapsed: float
    sources: list[tuple[str, str]] = field(default_factory=list)  # (name, what happened)
    rows: dict[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    published: Path | None = None
    fingerprint: str | None = None
    unchanged: bool = False
    scope: str = "everything"  # or which input groups were rebuilt, the rest kept
    sources_by_group: dict[str, list] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # scratch state rebuilt, ...
    published_sha256: str | None = None

    def lines(self) -> list[str]:
        if self.unchanged:
            head = "succeeded — nothing changed since the last published build, nothing rebuilt (--force rebuilds)"
        elif self.success:
            head = "succeeded"
        elif self.published:
            head = "FAILED after publishing — the warehouse is new, a later step (the report or the PostgreSQL tier) failed"
        else:
            head = "FAILED — the published warehouse was left as it was"
        out = ["", "kazmig build " + head]
        out += [f"note: {n}" for n in self.notes]
        if not self.unchanged and self.scope != "everything":
            out.append(f"rebuilt: {self.scope}")
        out.append("sources:")
        out += [f"  {name:<28} {what}" for name, what in self.sources] or ["  (none)"]
        if self.rows:
            out.append("rows:")
            out += [f"  {name:<40} {n:>8}" for name, n in self.rows.items()]
        out.append(f"checks: {self.checks_passed} passed, {len(self.checks_failed)} failed, "
                   f"{len(self.checks_warned)} warnings")
        out += [f"  FAILED {c}" for c in self.checks_failed]
        out += [f"  warning {c}" for c in self.checks_warned]
        out += [f"error: {e}" for e in self.errors]
        out.append(f"warehouse: {self.published or settings.published_db()}"
                   + ("" if self.published else " (not published by this build)"))
        if not self.success:
            out.append(f"log: {settings.warehouse_dir() / 'build' / 'build.log'}")
        out.append(f"elapsed: {self.elapsed:.1f} s")
        return out

    def to_json(self) -> dict:
        return {
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "success": self.success, "elapsed": round(self.elapsed, 2), "sources": self.sources,
            "rows": self.rows, "checks_passed": self.checks_passed, "checks_failed": self.checks_failed,
            "checks_warned": self.checks_warned,
            "errors": self.errors, "published": str(self.published) if self.published else None,
            "fingerprint": self.fingerprint, "unchanged": self.unchanged, "scope": self.scope,
            "sources_by_group": self.sources_by_group, "notes": self.notes,
            "published_sha256": self.published_sha256,
        }


def dagster_instance(notes: list[str] | None = None):
    """A persistent instance under DAGSTER_HOME (default KAZMIG_HOME/.dagster), configured by the
    repository's dagster.yaml, so builds show up in `make ui` with their history. Storage that
    cannot be read (a corrupted SQLite file) is moved aside and started afresh: run history is
    scratch state, the warehouse does not depend on it."""
    from dagster import AssetKey, DagsterInstance

    home = Path(os.environ.get("DAGSTER_HOME") or settings.home() / ".dagster")
    for attempt in (1, 2):
        home.mkdir(parents=True, exist_ok=True)
        config, ours = home / "dagster.yaml", settings.REPO_ROOT / "dagster.yaml"
        if not config.exists() or config.read_bytes() != ours.read_bytes():  # the repository's, kept current
            shutil.copyfile(ours, config)
        os.environ["DAGSTER_HOME"] = str(home)
        instance = None
        try:
            instance = DagsterInstance.get()
            instance.get_run_records(limit=1)
            instance.get_latest_materialization_event(AssetKey(["warehouse", "published"]))
            return instance
        except Exception as exc:  # noqa: BLE001 - any storage error: set the history aside
            if instance is not None:
                instance.dispose()
            if attempt == 2:
                raise
            aside = home.with_name(f"{home.name}.unreadable-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}")
            os.replace(home, aside)
            if notes is not None:
                notes.append(f"Dagster's storage in {home} could not be read ({type(exc).__name__}: "
                             f"{str(exc).splitlines()[0][:160] if str(exc) else ''}); moved to {aside.name} "
                             "and started afresh (the run history is there)")


def _sources(result) -> dict[str, list[tuple[str, str]]]:
    """What the build did with each source, by input group (bureau, documents)."""
    out: dict[str, list[tuple[str, str]]] = {"bureau": [], "documents": []}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        meta = {k: v.value for k, v in mat.metadata.items()}
        path = mat.asset_key.path
        if path[0] == "bns":
            fetched = {"changed": "new file fetched", "unchanged": "unchanged at the bureau (304)"}.get(
                meta.get("outcome"), meta.get("detail") or meta.get("outcome"))
            if meta.get("summary"):  # the fetch step's own line (fallbacks, sample bundle, what to do)
                out["bureau"].append((path[1], meta["summary"]))
            elif meta.get("vintages"):
                out["bureau"].append((path[1], f"used vintage {meta.get('latest_vintage')} of {meta['vintages']} landed — {fetched}"))
            else:
                out["bureau"].append((path[1], f"skipped: no file landed — {fetched}"))
        elif path == ["raw", "documents"]:
            for k, v in sorted(meta.items()):
                if k.startswith("quarantined/"):
                    out["documents"].append((shown(k.split("/", 1)[1]), f"quarantined: {shown(v)}"))
        elif path == ["raw", "document_figures"]:
            for k, v in sorted(meta.items()):
                if k.startswith("figures/"):
                    out["documents"].append((shown(k.split("/", 1)[1]), f"used: {v} figures"))
    return out


def _last_build() -> dict | None:
    try:
        return json.loads((settings.warehouse_dir() / "last_build.json").read_text())
    except (OSError, ValueError):
        return None


def _unchanged_since_last_build(fingerprint: str) -> dict | None:
    """The last build's summary when it published from exactly these inputs."""
    previous = _last_build() if settings.published_db().exists() else None
    if previous and previous.get("success") and previous.get("fingerprint") == fingerprint:
        return previous
    return None


def run_build(offline: bool = False, force: bool = False) -> BuildReport:
    started = time.monotonic()
    with build_lock():
        # Only an offline build can know up front that nothing changed: an online one must ask
        # the bureau first (conditional requests inside the run).
        groups = input_groups()
        fingerprint = inputs_fingerprint(groups)
        damaged = published_damage()  # truncated or replaced since: never "nothing changed"
        notes = [f"{damaged}; this build replaces it"] if damaged else []
        previous = None if (force or not offline or damaged) else _unchanged_since_last_build(fingerprint)
        if previous:
            report = BuildReport(success=True, elapsed=0.0, sources=[tuple(s) for s in previous.get("sources", [])],
                                 sources_by_group=previous.get("sources_by_group", {}),
                                 rows=previous.get("rows", {}), checks_passed=previous.get("checks_passed", 0),
                                 checks_warned=previous.get("checks_warned", []), published=settings.published_db(),
                                 fingerprint=fingerprint, unchanged=True)
            report.elapsed = time.monotonic() - started
            return report
        from pipelines import dbt_runner
        from pipelines.dbt_manifest import prepare

        broken = reset_build_db()  # scratch state the build relies on, verified before it is used
        if broken:
            notes.append(f"the build database was unreadable ({broken}); removed it and rebuilt from scratch")
        prepare()
        log = settings.warehouse_dir() / "build" / "build.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        sink = open(log, "w", encoding="utf-8")
        # dbt loads in its own process (the other core) while this one loads Dagster; its log
        # lines go to the build log, the terminal gets the summary.
        dbt_runner.prestart(sink)
        from dagster import AssetCheckSeverity

        from pipelines.definitions import defs

        job = defs.resolve_implicit_global_asset_job_def()
        selection, scope, kept = _incremental_selection(defs, offline, force, groups)
        run_config = {
            "resources": {"fetch_settings": {"config": {"offline": offline, "always_materialize": True}}},
            # Failures are reported by the summary below and kept in Dagster's event log.
            "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
        }
        before = _mtime(settings.published_db())
        instance = dagster_instance(notes)
        try:
            with sink, contextlib.redirect_stdout(sink):
                result = job.execute_in_process(run_config=run_config, instance=instance,
                                                raise_on_error=False, asset_selection=selection)
        finally:
            dbt_runner.discard_prestarted()
            instance.dispose()  # closes the event log's connections: SQLite folds its WAL files back
        by_group = {**_sources(result), **kept}  # groups that did not run: as the last build left them
        for event in result.get_asset_materialization_events():  # one line each, e.g. the sample bundle
            note = event.event_specific_data.materialization.metadata.get("note")
            if note is not None and note.value not in notes:
                notes.append(note.value)
        report = BuildReport(success=result.success, elapsed=0.0, fingerprint=inputs_fingerprint(), scope=scope,
                             sources=by_group["bureau"] + by_group["documents"], sources_by_group=by_group,
                             notes=notes)
        for ev in result.get_asset_check_evaluations():
            name = "/".join(ev.asset_key.path) + ":" + ev.check_name
            desc = f"{name} — {ev.description}" if ev.description else name
            if ev.passed:
                report.checks_passed += 1
            elif ev.severity == AssetCheckSeverity.WARN:
                # advisory: does not stop publication; a dbt test says how many rows and shows one
                rows = ev.metadata.get("dagster_dbt/failed_row_count")
                example = test_rows(("warn",), limit=1, only=ev.check_name, label="") if rows else []
                report.checks_warned.append(desc + (f" — {rows.value} row(s)" if rows else "")
                                            + (f", e.g. {example[1].strip()[:300]}" if len(example) > 1 else ""))
            else:
                report.checks_failed.append(desc)
        for ev in result.all_events:
            if ev.is_step_failure:
                err = ev.step_failure_data.error
                report.errors += [f"{ev.step_key}: {line}" for line in _failure_lines(_cause(err))]
        if not result.success:
            report.errors += test_rows()
        published = settings.published_db()
        if _mtime(published) != before:
            report.published = published
            report.published_sha256 = sha256_file(published)
        else:  # what readers still get: the file the last build that published left
            report.published_sha256 = (_last_build() or {}).get("published_sha256")
        if result.success and report.published:
            build_state.write(groups)  # the inputs as read when this build started
        db = published if published.exists() else None
        if db:
            from pipelines.warehouse.db import table_counts

            counts = table_counts(db, ["core", "marts"])
            report.rows = {k: v for k, v in counts.items() if k.startswith("marts.") or ".fct_" in k}
        report.elapsed = time.monotonic() - started
        status = settings.warehouse_dir() / "last_build.json"
        status.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return report


# The assets each group of landed inputs enters the warehouse through.
_ENTRY_POINTS = {"documents": [["raw", "documents"]], "bureau": [["raw", "bns_observations"]]}


def _incremental_selection(defs, offline: bool, force: bool, groups: dict[str, str]):
    """(asset keys to run or None for all, scope, summary lines for the sources kept as built).

    Only an offline build whose code is unchanged, on a build database that the last successful
    build left (build_state), reruns just what depends on the inputs that changed: the rest of
    the database is exactly what that build verified and published."""
    previous = build_state.read()
    if force or not offline or not previous or previous.get("code") != groups["code"]:
        return None, "everything", {}
    changed = [g for g in _ENTRY_POINTS if previous.get(g) != groups[g]]
    if not changed:  # e.g. the published file was removed: rebuild it all
        return None, "everything", {}
    from dagster import AssetKey, AssetSelection

    roots = [AssetKey(k) for g in changed for k in _ENTRY_POINTS[g]]
    if "bureau" in changed:  # fetch steps report what was landed
        roots += [k for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "bns"]
    keys = AssetSelection.assets(*roots).downstream().resolve(defs.resolve_asset_graph())
    kept_groups = [g for g in _ENTRY_POINTS if g not in changed]
    last = (_last_build() or {}).get("sources_by_group", {})
    kept = {g: [(name, f"{what.split(' — ')[0]} — unchanged, kept from the last build") for name, what in last.get(g, [])]
            for g in kept_groups}
    scope = f"what depends on the {' and '.join(changed)} (changed); the {' and '.join(kept_groups)} kept as built"
    return sorted(keys, key=lambda k: k.path), scope, kept


def test_rows(statuses: tuple[str, ...] = ("fail", "error"), limit: int = 5, only: str | None = None,
              label: str = "broke it") -> list[str]:
    """For each dbt test of these statuses in the last build, the first rows its query returned:
    a check's failure names the rows that broke it (a warning, the rows it warns about)."""
    results = settings.dbt_target_dir() / "run_results.json"
    if not results.exists():
        return []
    import duckdb

    lines = []
    try:
        con = duckdb.connect(str(settings.build_db()), read_only=True)
    except duckdb.Error:
        return []
    try:
        for r in json.loads(results.read_text()).get("results", []):
            if not r["unique_id"].startswith("test.") or r.get("status") not in statuses:
                continue
            name = r["unique_id"].split(".")[2]
            if only is not None and name != only:
                continue
            try:
                cur = con.execute(f"select * from ({r['compiled_code']}) limit {limit}")
                cols = [d[0] for d in cur.description]
                rows = cur.fetchall()
            except Exception as exc:  # the test itself errored: its message says why
                lines.append(f"{name}: {r.get('message') or str(exc).splitlines()[0]}")
                continue
            lines.append(f"{name}: {r.get('failures') or len(rows)} row(s) {label}, e.g.".replace("  ", " "))
            lines += ["    " + ", ".join(f"{c}={v}" for c, v in zip(cols, row)) for row in rows]
    finally:
        con.close()
    return lines


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _failure_lines(message: str) -> list[str]:
    """The lines of a step failure worth a person's attention: dbt's own error lines when dbt
    failed (the rest of its message is boilerplate), else the first line."""
    text = _ANSI.sub("", message).strip()
    if DBT_FAILED in text:  # pipelines/dbt_runner.py: one line per failed dbt node follows
        lines = [l.strip() for l in text.split(DBT_FAILED, 1)[1].splitlines() if l.strip()]
        return lines[:10] or ["dbt failed"]
    return [text.splitlines()[0] if text else "failed"]


def _cause(err) -> str:
    """The message of what really failed: Dagster wraps an exception raised in a step ("Error
    occurred while executing op ...") and keeps the original as its cause."""
    if err is None:
        return ""
    while getattr(err, "cause", None) is not None and "dagster._core.errors" in (err.cls_name or "") + err.message:
        err = err.cause
    message = err.message or ""
    # "pipelines.bns.common.SourceError: population_csv: ..." -> the message; keep builtin names
    return re.sub(r"^(?:[\w]+\.)+(?:Failure|[A-Z]\w*Error): ", "", message.strip()) if "." in message.split(":")[0] else message


def _mtime(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None
