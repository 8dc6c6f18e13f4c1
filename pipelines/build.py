"""`kazmig build`: every asset in one in-process Dagster run, then a summary."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines import settings
from pipelines.dbt.manifest import SKIP_UNIT_TESTS_TAG, project_code
from pipelines.files import atomic_write, sha256_file
from pipelines.messages import DBT_FAILED, no_space, shown
from pipelines.sources.bns.snapshot import bureau_snapshot, landed_version
from pipelines.warehouse import inputs
from pipelines.warehouse.event_log import fast_history, fast_new_storage
from pipelines.warehouse.lock import build_lock
from pipelines.warehouse.verify import build_db_holder, published_damage, reset_build_db


def current_versions() -> dict[str, str | None]:
    """The versions the entry assets would report now (None: the inbox holds files to land,
    so raw/documents will change), and the code of the pipeline and the dbt project: what the
    last published build read, compared by the no-op check."""
    bureau = bureau_snapshot()
    try:
        docs = None if inputs.inbox_files() else inputs.list_documents()
        path = inputs.corrections_path()
        corrections = sha256_file(path) if path.is_file() else None
    except (OSError, inputs.UnreadableInput):  # not known now: the build reads them and reports the problem
        docs, corrections = None, None
    versions: dict[str, str | None] = {
        "raw/documents": None if docs is None else inputs.documents_version(docs),
        "raw/document_figures": None if docs is None else inputs.figures_version(docs, corrections),
        "raw/bns_observations": bureau.version,
        **{f"bns/{s.id}": landed_version(bureau.vintages[s.id]) for s in bureau.sources},
    }
    code = [inputs.code_version(name) for name in sorted(inputs.CODE)] + [project_code(), inputs.freshness_day()]
    versions["code"] = inputs.digest(code)
    return versions


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
    versions: dict | None = None  # the inputs' and code's versions this warehouse was built from
    unchanged: bool = False
    scope: str = "everything"  # or which input groups were rebuilt, the rest kept
    sources_by_group: dict[str, list] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # scratch state rebuilt, ...
    published_sha256: str | None = None
    run_id: str | None = None  # Dagster's run

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
        out.append(
            f"checks: {self.checks_passed} passed, {len(self.checks_failed)} failed, {len(self.checks_warned)} warnings"
        )
        out += [f"  FAILED {c}" for c in self.checks_failed]
        out += [f"  warning {c}" for c in self.checks_warned]
        out += [f"error: {e}" for e in self.errors]
        out.append(
            f"warehouse: {self.published or settings.published_db()}"
            + ("" if self.published else " (not published by this build)")
        )
        if not self.success:
            out.append(f"log: {settings.warehouse_dir() / 'build' / 'build.log'}")
        out.append(f"elapsed: {self.elapsed:.1f} s")
        return out

    def to_json(self) -> dict:
        return {
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "success": self.success,
            "elapsed": round(self.elapsed, 2),
            "sources": self.sources,
            "rows": self.rows,
            "checks_passed": self.checks_passed,
            "checks_failed": self.checks_failed,
            "checks_warned": self.checks_warned,
            "errors": self.errors,
            "published": str(self.published) if self.published else None,
            "versions": self.versions,
            "unchanged": self.unchanged,
            "scope": self.scope,
            "sources_by_group": self.sources_by_group,
            "notes": self.notes,
            "published_sha256": self.published_sha256,
            "run_id": self.run_id,
        }


def dagster_instance(notes: list[str] | None = None):
    """A persistent instance under DAGSTER_HOME (default KAZMIG_HOME/.dagster), configured by the
    repository's dagster.yaml, so builds show up in `make ui` with their history. Storage that
    cannot be read (a corrupted SQLite file) is moved aside and started afresh: run history is
    scratch state, the warehouse does not depend on it."""
    from dagster import AssetKey, DagsterInstance

    home = settings.dagster_home()
    for attempt in (1, 2):
        home.mkdir(parents=True, exist_ok=True)
        config, ours = home / "dagster.yaml", settings.REPO_ROOT / "config" / "dagster.yaml"
        if not config.exists() or config.read_bytes() != ours.read_bytes():  # the repository's, kept current
            shutil.copyfile(ours, config)
        os.environ["DAGSTER_HOME"] = str(home)
        instance = None
        try:
            with fast_new_storage(home):
                instance = DagsterInstance.get()
                instance.get_run_records(limit=1)
                instance.get_latest_materialization_event(AssetKey(["warehouse", "published"]))
            return instance
        except Exception as exc:  # noqa: BLE001 - any storage error: set the history aside
            if instance is not None:
                instance.dispose()
            if attempt == 2:
                raise
            aside = home.with_name(f"{home.name}.unreadable-{datetime.now(UTC):%Y%m%dT%H%M%S}")
            os.replace(home, aside)
            if notes is not None:
                notes.append(
                    f"Dagster's storage in {home} could not be read ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0][:160] if str(exc) else ''}); moved to {aside.name} "
                    "and started afresh (the run history is there)"
                )


def _sources(materializations: dict, kept: set) -> dict[str, list[tuple[str, str]]]:
    """What the build did with each source, by input group (bureau, documents), from the
    materializations of this run and, for the sources it did not rerun, the last ones."""
    out: dict[str, list[tuple[str, str]]] = {"bureau": [], "documents": []}
    for key, mat in sorted(materializations.items()):
        meta = {k: v.value for k, v in mat.metadata.items()}
        path = key.split("/")
        note = " — unchanged, kept from the last build" if key in kept else ""
        if path[0] == "bns":
            fetched = {"changed": "new file fetched", "unchanged": "unchanged at the bureau (304)"}.get(
                meta.get("outcome"), meta.get("detail") or meta.get("outcome")
            )
            if meta.get("summary"):  # the fetch step's own line (fallbacks, sample bundle, what to do)
                what = meta["summary"].split(" — ")[0] + note if note else meta["summary"]
                out["bureau"].append((path[1], what))
            elif meta.get("vintages"):
                what = f"used vintage {meta.get('latest_vintage')} of {meta['vintages']} landed"
                out["bureau"].append((path[1], what + (note or f" — {fetched}")))
            else:
                out["bureau"].append((path[1], f"skipped: no file landed — {fetched}"))
        elif key == "raw/documents":
            for k, v in sorted(meta.items()):
                if k.startswith("quarantined/") and not note:
                    out["documents"].append((shown(k.split("/", 1)[1]), f"quarantined: {shown(v)}"))
                elif k.startswith("ignored/"):  # still there while the listing is kept: still said
                    out["documents"].append((shown(k.split("/", 1)[1]), f"ignored: {shown(v)}"))
        elif key == "raw/document_figures":
            for k, v in sorted(meta.items()):
                if k.startswith("figures/"):
                    out["documents"].append((shown(k.split("/", 1)[1]), f"used: {v} figures{note}"))
    return out


def _last_build() -> dict | None:
    """The record of the last build when it validates (pipelines/warehouse/record.py), else None."""
    from pipelines.warehouse.record import read_record

    return read_record()[0]


def _unchanged_since_last_build(versions: dict) -> dict | None:
    """The last build's summary when it published from inputs and code at these versions."""
    previous = _last_build() if settings.published_db().exists() else None
    if previous and previous.get("success") and previous.get("versions") == versions:
        return previous
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_orphans() -> list[str]:
    """Publication's temporary copies (`.kazmig.duckdb.<pid>.tmp`, and its WAL) that a process
    killed mid-copy left: removed when that process is gone. Returns a note per file removed."""
    published = settings.published_db()
    notes = []
    if not published.parent.is_dir():
        return notes
    pattern = re.compile(rf"^\.{re.escape(published.name)}\.(\d+)\.tmp(\.wal)?$")
    for path in sorted(published.parent.iterdir()):
        m = pattern.match(path.name)
        if not m or _pid_alive(int(m[1])):
            continue
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue
        notes.append(f"removed {path} ({size} bytes), left by process {m[1]} that ended mid-publication")
    return notes


def _unchanged(previous: dict, versions: dict, started: float, notes: list[str] | None = None) -> BuildReport:
    """The report of a build that reran nothing: the last published build's, as it stands."""
    return BuildReport(
        notes=notes or [],
        success=True,
        elapsed=time.monotonic() - started,
        unchanged=True,
        versions=versions,
        sources=[tuple(s) for s in previous.get("sources", [])],
        sources_by_group=previous.get("sources_by_group", {}),
        rows=previous.get("rows", {}),
        checks_passed=previous.get("checks_passed", 0),
        checks_warned=previous.get("checks_warned", []),
        published=settings.published_db(),
    )


def _write_status(record: dict) -> None:
    with atomic_write(settings.warehouse_dir() / "last_build.json") as f:
        f.write(json.dumps(record, ensure_ascii=False, indent=1))


def _record_checks(report: BuildReport, result) -> None:
    """The run's asset checks into the report: passed, warned (advisory) or failed."""
    from dagster import AssetCheckSeverity

    for ev in result.get_asset_check_evaluations():
        name = "/".join(ev.asset_key.path) + ":" + ev.check_name
        desc = f"{name} — {ev.description}" if ev.description else name
        if ev.passed:
            report.checks_passed += 1
        elif ev.severity == AssetCheckSeverity.WARN:
            # advisory: does not stop publication; a dbt test says how many rows and shows one
            rows = ev.metadata.get("dagster_dbt/failed_row_count")
            example = test_rows(("warn",), limit=1, only=ev.check_name, label="") if rows else []
            report.checks_warned.append(
                desc
                + (f" — {rows.value} row(s)" if rows else "")
                + (f", e.g. {example[1].strip()[:300]}" if len(example) > 1 else "")
            )
        else:
            report.checks_failed.append(desc)


def _record_step_failures(report: BuildReport, result) -> None:
    for ev in result.all_events:
        if ev.is_step_failure:
            err = ev.step_failure_data.error
            cause = _cause(err)
            full = no_space(cause)  # one line saying where, whichever step the disk filled in
            if full:
                if full not in report.errors:
                    report.errors.append(full)
                continue
            report.errors += [f"{ev.step_key}: {line}" for line in _failure_lines(cause)]


def run_build(offline: bool = False, force: bool = False, interrupted=None) -> BuildReport:
    """`interrupted`: a callable naming the signal that stopped the run, if one did (the CLI's)."""
    started = time.monotonic()
    with build_lock():
        # The no-op check needs no Dagster: the versions the entry assets would report now, against
        # those the last published build's assets reported. Only an offline build can know up front
        # that nothing changed: an online one must ask the bureau first.
        versions = current_versions()
        damaged = published_damage()  # truncated or replaced since: never "nothing changed"
        notes = [f"{damaged}; this build replaces it"] if damaged else []
        notes += remove_orphans()
        if not damaged and settings.published_db().exists() and _last_build() is None:
            # No record to compare with: only a full build and publication make one that can be trusted.
            damaged = "no record of the last build"
            notes.append(
                "no record of the last build (warehouse/last_build.json): rebuilding everything and publishing"
            )
        previous = None if (force or not offline or damaged) else _unchanged_since_last_build(versions)
        if previous:
            return _unchanged(previous, versions, started, notes)
        broken = reset_build_db()  # scratch state the build relies on, verified before it is used
        held = build_db_holder()
        if held:
            report = BuildReport(success=False, elapsed=time.monotonic() - started, notes=notes, errors=[held])
            report.published_sha256 = (_last_build() or {}).get("published_sha256")
            _write_status(report.to_json())
            return report
        if broken:
            notes.append(f"the build database was unreadable ({broken}); removed it and rebuilt from scratch")
        log = settings.warehouse_dir() / "build" / "build.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        from pipelines.definitions import defs

        job = defs.resolve_implicit_global_asset_job_def()
        instance = dagster_instance(notes)
        try:
            plan = stale_assets(defs, instance, job.name, versions) if offline and not (force or damaged) else None
            if plan is not None and not plan.keys:  # nothing stale: the code that changed is no asset's
                previous = {**(_last_build() or {}), "versions": versions}
                _write_status(previous)  # the record of the last real build, at the code's new version
                return _unchanged(previous, versions, started, notes)
            run_config = {
                "resources": {"fetch_settings": {"config": {"offline": offline, "always_materialize": True}}},
                # Failures are reported by the summary below and kept in Dagster's event log.
                "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
            }
            before = _mtime(settings.published_db())
            run_id = str(uuid.uuid4())  # named here so that its history file can be held open
            with (
                open(log, "w", encoding="utf-8") as sink,
                contextlib.redirect_stdout(sink),
                _helpers_write_to(sink),
                fast_history(settings.dagster_home(), run_id),
            ):
                result = job.execute_in_process(
                    run_config=run_config,
                    instance=instance,
                    raise_on_error=False,
                    asset_selection=plan.keys if plan else None,
                    run_id=run_id,
                    # `kazmig status` names who started a run
                    tags={
                        "kazmig/command": "build",
                        **({SKIP_UNIT_TESTS_TAG: "1"} if plan and not plan.code_changed else {}),
                    },
                )
            ran = {
                e.asset_key.to_user_string(): e.event_specific_data.materialization
                for e in result.get_asset_materialization_events()
            }
            entries = [k for k in versions if k != "code"]
            latest = _latest_materializations(instance, entries)
        finally:
            instance.dispose()  # closes the event log's connections: SQLite folds its WAL files back
        kept = {k for k in latest if k not in ran}
        by_group = _sources({**{k: latest[k] for k in kept}, **ran}, kept)
        for mat in ran.values():  # one line each, e.g. the sample bundle
            note = mat.metadata.get("note")
            if note is not None and note.value not in notes:
                notes.append(note.value)
        report = BuildReport(
            success=result.success,
            elapsed=0.0,
            scope=plan.scope if plan else "everything",
            sources=by_group["bureau"] + by_group["documents"],
            sources_by_group=by_group,
            notes=notes,
            run_id=result.run_id,
        )
        _record_checks(report, result)
        _record_step_failures(report, result)
        stop = interrupted() if interrupted else None
        if stop:  # whatever each step made of it (dbt reports a failure), the run was interrupted
            import signal

            report.errors = [f"interrupted by {signal.Signals(stop).name}"]
        elif not result.success:
            report.errors += test_rows()
        published = settings.published_db()
        if _mtime(published) != before:
            report.published = published
            report.published_sha256 = sha256_file(published)
        else:  # what readers still get: the file the last build that published left
            report.published_sha256 = (_last_build() or {}).get("published_sha256")
        if result.success and report.published:
            # The versions the entry assets reported (what this build read, fingerprinted before
            # it read it), not the inputs as they are now: a file landed meanwhile is a change.
            report.versions = {
                **{k: latest[k].tags.get(DATA_VERSION_TAG) if k in latest else None for k in entries},
                "code": versions["code"],
            }
        db = published if published.exists() else None
        if db:
            from pipelines.warehouse.db import table_counts

            counts = table_counts(db, ["core", "marts"])
            report.rows = {k: v for k, v in counts.items() if k.startswith("marts.") or ".fct_" in k}
        report.elapsed = time.monotonic() - started
        _write_status(report.to_json())
        return report


@contextlib.contextmanager
def _helpers_write_to(sink):
    """The processes Dagster starts during a run (its compute-log tails and their watchers)
    inherit file descriptor 2: pointed at the build log, so that what they print when Ctrl-C
    reaches the whole process group (KeyboardInterrupt tracebacks) lands there, not on the
    terminal. This process's own messages (the progress bar) still reach the terminal."""
    import sys

    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    own = sys.stderr
    sys.stderr.flush()
    os.dup2(sink.fileno(), 2)
    sys.stderr = open(saved, "w", buffering=1, encoding=getattr(own, "encoding", None) or "utf-8", closefd=False)  # noqa: SIM115
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sys.stderr = own


def _latest_materializations(instance, keys: list[str]) -> dict:
    from dagster import AssetKey

    out = {}
    for key in keys:
        event = instance.get_latest_materialization_event(AssetKey.from_user_string(key))
        if event is not None and event.asset_materialization is not None:
            out[key] = event.asset_materialization
    return out


@dataclass
class StalePlan:
    keys: list  # AssetKeys to run: everything downstream of what is stale
    scope: str
    code_changed: bool = True  # False: only data changed, so dbt's unit tests cannot fail anew


# The tags Dagster writes on every materialization (its data provenance, shown in the UI): the
# data version, the code version it ran and the data version of each input it read.
DATA_VERSION_TAG = "dagster/data_version"
CODE_VERSION_TAG = "dagster/code_version"
INPUT_VERSION_TAG = "dagster/input_data_version/"
_GROUPS = {"raw/documents": "documents", "raw/document_figures": "documents", "raw/bns_observations": "bureau"}


def _group_of(key) -> str | None:
    """The input group an entry asset belongs to (documents or bureau), else None."""
    name = key.to_user_string()
    return _GROUPS.get(name) or ("bureau" if name.startswith("bns/") else None)


def stale_assets(defs, instance, job_name: str, versions: dict) -> StalePlan | None:
    """What Dagster's data and code versions say is stale, with everything downstream of it;
    None for everything. An asset is stale when it was never materialized, when its code version
    differs from the one it last ran, when an entry asset's files differ from the version it last
    read, or when an input's data version differs from the one it last read. Everything reruns
    when the last run that wrote the build database did not succeed (a failed check leaves tables
    that were never verified), or when a database is missing."""
    from dagster import AssetKey, DagsterRunStatus, RunsFilter

    if not (settings.build_db().exists() and settings.published_db().exists()):
        return None
    last = instance.get_run_records(RunsFilter(job_name=job_name), limit=1)
    if not last or last[0].dagster_run.status != DagsterRunStatus.SUCCESS:
        return None
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    records = {
        r.asset_entry.asset_key: r.asset_entry.last_materialization for r in instance.get_asset_records(list(specs))
    }

    def data_version(key):
        entry = records.get(key)
        return entry.asset_materialization.tags.get(DATA_VERSION_TAG) if entry and entry.asset_materialization else None

    stale: dict[AssetKey, str] = {}
    for key, spec in specs.items():
        name = key.to_user_string()
        entry = records.get(key)
        mat = entry.asset_materialization if entry else None
        if mat is None:
            stale[key] = "never built"
        elif spec.code_version and spec.code_version != mat.tags.get(CODE_VERSION_TAG):
            stale[key] = "code"
        elif name in versions and versions[name] != mat.tags.get(DATA_VERSION_TAG):
            stale[key] = _group_of(key)
        elif any(
            data_version(dep.asset_key) != mat.tags.get(INPUT_VERSION_TAG + dep.asset_key.to_user_string())
            for dep in spec.deps
        ):
            stale[key] = "inputs"
    children: dict[AssetKey, set] = {}
    for key, spec in specs.items():
        for dep in spec.deps:
            children.setdefault(dep.asset_key, set()).add(key)
    selected, todo = set(stale), list(stale)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in selected:
                selected.add(child)
                todo.append(child)
    if selected >= set(specs):
        return None
    changed = sorted(set(stale.values()), key=lambda why: (why not in ("documents", "bureau"), why))
    kept = [g for g in ("documents", "bureau") if not any(_group_of(k) == g for k in selected)]
    what = " and ".join(
        f"the {why}"
        if why in ("documents", "bureau")
        else f"the {why} of " + ", ".join(sorted(k.to_user_string() for k, w in stale.items() if w == why))
        for why in changed
    )
    scope = f"what depends on {what} (changed)" + (f"; the {' and '.join(kept)} kept as built" if kept else "")
    code_changed = any(why not in ("documents", "bureau", "inputs") for why in stale.values())
    return StalePlan(keys=sorted(selected, key=lambda k: k.path), scope=scope, code_changed=code_changed)


def test_rows(
    statuses: tuple[str, ...] = ("fail", "error"), limit: int = 5, only: str | None = None, label: str = "broke it"
) -> list[str]:
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
    if DBT_FAILED in text:  # one line per failed dbt node follows
        lines = [line.strip() for line in text.split(DBT_FAILED, 1)[1].splitlines() if line.strip()]
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
    # "pipelines.sources.bns.common.SourceError: population_csv: ..." -> the message; keep builtin names
    return (
        re.sub(r"^(?:[\w]+\.)+(?:Failure|[A-Z]\w*Error): ", "", message.strip())
        if "." in message.split(":")[0]
        else message
    )


def _mtime(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None
