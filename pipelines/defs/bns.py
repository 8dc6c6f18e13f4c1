"""Bureau (BNS) tables: one fetch asset per catalogue entry, then one raw table of observations."""

import json

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AutomationCondition,
    ConfigurableResource,
    DataVersion,
    DefaultScheduleStatus,
    Failure,
    InitResourceContext,
    MaterializeResult,
    ScheduleDefinition,
    asset,
    asset_check,
    define_asset_job,
)
from pydantic import PrivateAttr

from pipelines.defs.resources import WarehouseLock
from pipelines.sources.bns.catalogue import load_catalogue
from pipelines.sources.bns.landing import LandingError, distrusted, landed_vintages
from pipelines.sources.bns.snapshot import bureau_snapshot, landed_version
from pipelines.warehouse.db import DUCKDB_WRITER, append_rows, connect_build, replace_table
from pipelines.warehouse.inputs import code_version

OBSERVATION_COLUMNS = [
    ("source_id", "varchar"),
    ("element_id", "varchar"),
    ("format", "varchar"),
    ("vintage", "date"),
    ("vintage_at", "timestamp"),
    ("vintage_basis", "varchar"),
    ("file_sha256", "varchar"),
    ("file_name", "varchar"),
    ("indicator", "varchar"),
    ("region", "varchar"),
    ("region_label", "varchar"),
    ("sex", "varchar"),
    ("period", "varchar"),
    ("period_start", "date"),
    ("period_end", "date"),
    ("value", "double"),
    ("unit", "varchar"),
    ("sheet", "varchar"),
    ("row", "integer"),
    ("col", "varchar"),
]
MANIFEST_COLUMNS = [
    ("source_id", "varchar"),
    ("url", "varchar"),
    ("started", "timestamp"),
    ("finished", "timestamp"),
    ("status", "integer"),
    ("outcome", "varchar"),
    ("etag", "varchar"),
    ("last_modified", "varchar"),
    ("sha256", "varchar"),
    ("bytes", "bigint"),
    ("content_type", "varchar"),
    ("error", "varchar"),
    ("via", "varchar"),
    ("attempt", "integer"),
]
SOURCE_COLUMNS = [
    ("source_id", "varchar"),
    ("element_id", "varchar"),
    ("title", "varchar"),
    ("producer", "varchar"),
    ("format", "varchar"),
    ("url", "varchar"),
    ("license", "varchar"),
    ("license_url", "varchar"),
    ("attribution", "varchar"),
    ("cadence", "varchar"),
    ("unit", "varchar"),
    ("period", "varchar"),
]
ERROR_COLUMNS = [("source_id", "varchar"), ("file_name", "varchar"), ("error", "varchar")]
NEXT_STEP = "land a bundle with `kazmig fetch --from DIR`, or `kazmig fetch` when the bureau is reachable"


class FetchSettings(ConfigurableResource):
    """offline: use only what raw/bns holds. always_materialize: a full build records every
    source even when the bureau answered 304; scheduled refreshes leave it off so an unchanged
    table triggers nothing downstream."""

    offline: bool = False
    always_materialize: bool = False
    _refresh_at = PrivateAttr(default=None)
    _down = PrivateAttr(default_factory=dict)  # host -> why it was unreachable in this run

    def setup_for_execution(self, context: InitResourceContext) -> None:
        from pipelines.sources.bns.vintage import now

        self._refresh_at = now()  # one run is one refresh: formats fetched together are one release

    @property
    def refresh_at(self):
        return self._refresh_at

    def fetch(self, source):
        """Fetch one source in this run's refresh; a host found unreachable is not asked again."""
        from urllib.parse import urlsplit

        from pipelines.sources.bns.fetch import fetch_source, offline_result

        host = urlsplit(source.url()).netloc
        if host in self._down:
            return offline_result(source, source.url(), f"not tried: {self._down[host]}")
        result = fetch_source(source, refresh=self._refresh_at)
        if result.outcome == "offline":
            self._down[host] = result.error or "offline"
        return result


_BASIS = {
    "last_modified": "the server's Last-Modified",
    "bundle_name": "dated by its bundle name",
    "file_date": "dated inside the file",
    "retrieved": "retrieval time, the bureau gave no date",
}


def vintage_text(meta: dict) -> str:
    """A vintage as the summary shows it: the date, or the time when only the retrieval is known."""
    basis = meta.get("vintage_basis")
    when = (
        (meta.get("vintage_at") or "").replace("T", " ").replace("Z", " UTC")
        if basis == "retrieved"
        else meta.get("vintage")
    )
    return f"{when} ({_BASIS[basis]})" if basis in _BASIS else str(when)


def _fetch_and_land(source, fetch_settings: FetchSettings) -> dict:
    """Fetch (unless offline), fall back to what is landed, then to the sample bundle; what the
    summary and the asset's check say about it."""
    from pipelines.sources.bns.bundle import land_sample, sample_date

    result = None if fetch_settings.offline else fetch_settings.fetch(source)
    try:
        landed = landed_vintages(source)
    except LandingError as exc:
        raise Failure(description=str(exc)) from None
    sample = []
    if not landed and (result is None or not result.ok):
        sample = land_sample(source)
        landed = landed_vintages(source)
    why = (
        "--offline: not fetched"
        if result is None
        else "new file fetched"
        if result.outcome == "changed"
        else "unchanged at the bureau (304)"
        if result.outcome == "unchanged"
        else "sidecar rewritten from a new download"
        if result.outcome == "repaired"
        else "bureau unreachable ({})".format(
            (result.error or "").removeprefix("not tried: ").removeprefix("offline: ")
        )
        if result.outcome == "offline"
        else f"fetch failed: {result.error}"
    )
    latest = landed[-1][1] if landed else {}
    landed_from_sample = [r for r in sample if r.ok]
    note = None
    if landed_from_sample:
        reason = "the build was --offline" if result is None else "the bureau could not be reached"
        note = (
            f"{reason} and nothing was landed: landed the sample bundle raw/sample (the bureau's files as of "
            f"{sample_date() or 'the date in its README'}); `kazmig fetch` when the bureau is reachable "
            "brings its current release"
        )
        line = f"used sample vintage {vintage_text(latest)} — from the sample bundle ({why})"
        passed = True
    elif not landed:
        problems = "; ".join(r.error for r in sample if r.error)
        line = (
            f"skipped: nothing landed — {why}" + (f"; sample bundle: {problems}" if problems else "") + f"; {NEXT_STEP}"
        )
        passed = False
    else:
        line = f"used vintage {vintage_text(latest)} of {len(landed)} landed — {why}"
        passed = result is None or result.outcome != "failed"
        if not passed:
            line = f"used the landed vintage {vintage_text(latest)} — {why}"
        if len(landed) > 1 and distrusted(latest):  # current by its landing time, not by a date
            line += (
                f" — ranking unsure: {latest.get('vintage_note')}, so it is current only because it "
                "landed last; land it again under its true date if an earlier file should be current"
            )
            passed = False
    return {
        "result": result,
        "landed": landed,
        "latest": latest,
        "line": line,
        "passed": passed,
        "sample": bool(landed_from_sample),
        "note": note,
    }


def _fetch_asset(source):
    check = AssetCheckSpec(
        "landed",
        asset=AssetKey(["bns", source.id]),
        blocking=False,
        description="The fetch landed a vintage or fell back to one; fails (a warning) when "
        "nothing is landed or the latest fetch failed.",
    )

    @asset(
        key=["bns", source.id],
        group_name="bns_fetch",
        output_required=False,
        check_specs=[check],
        description=f"{source.title} — {source.format}, element {source.element_id}: conditional download into raw/bns/{source.id}/.",
        metadata={
            "element_id": str(source.element_id),
            "format": source.format,
            "license": source.license,
            "url": source.url(),
        },
        kinds={"python", "file"},
        code_version=code_version("bns_fetch"),
    )
    def _fetch(context: AssetExecutionContext, fetch_settings: FetchSettings, warehouse_lock: WarehouseLock):
        done = _fetch_and_land(source, fetch_settings)
        result, latest = done["result"], done["latest"]
        (context.log.info if done["passed"] else context.log.warning)(f"{source.id}: {done['line']}")
        changed = done["sample"] or (result is not None and result.outcome in ("changed", "repaired"))
        if changed or fetch_settings.always_materialize:
            yield MaterializeResult(
                # the files landed for this source, by content: what raw/bns_observations will read
                data_version=DataVersion(landed_version(done["landed"])),
                metadata={
                    "outcome": (result.outcome if result else "offline") if done["landed"] else "nothing landed",
                    "detail": (result.error or "") if result else "--offline: not fetched",
                    "summary": done["line"],
                    **({"note": done["note"]} if done["note"] else {}),
                    "vintages": len(done["landed"]),
                    "latest_vintage": latest.get("vintage", ""),
                    "latest_vintage_at": latest.get("vintage_at", ""),
                    "latest_vintage_basis": latest.get("vintage_basis", ""),
                    "latest_sha256": latest.get("sha256", ""),
                },
            )
        yield AssetCheckResult(
            check_name="landed", passed=done["passed"], severity=AssetCheckSeverity.WARN, description=done["line"]
        )

    return _fetch


def build_fetch_assets():
    return [_fetch_asset(s) for s in load_catalogue()]


def _load_vintages(con, source, vintages):
    """Append a source's landed vintages to raw.bns_observations, oldest first: (observations,
    the SourceError of the first file that fails, that file); the vintages after it are not read.
    CSV goes through DuckDB's CSV reader (load_csv), the rest through the parsers file by file."""
    from pipelines.sources.bns.common import SourceError
    from pipelines.sources.bns.load_csv import load_source
    from pipelines.sources.bns.parse import parse_file  # openpyxl and the parsers: only when parsing

    if source.format == "bns_csv":
        loaded = load_source(con, "raw.bns_observations", OBSERVATION_COLUMNS, source, vintages)
        return loaded.count, loaded.error, loaded.failed
    count = 0
    for path, meta in vintages:
        try:
            parsed = parse_file(source, path, meta)
        except SourceError as exc:
            return count, exc, path
        count += append_rows(con, "raw.bns_observations", parsed, OBSERVATION_COLUMNS)
    return count, None, None


@asset(
    key=["raw", "bns_observations"],
    deps=[AssetKey(["bns", s.id]) for s in load_catalogue()],
    group_name="bns",
    op_tags=DUCKDB_WRITER,
    automation_condition=AutomationCondition.eager(),
    code_version=code_version("bns_observations"),
    description="Every value of every landed vintage of every catalogue source (plus raw.bns_fetch_manifest, raw.bns_sources).",
)
def bns_observations(context: AssetExecutionContext, warehouse_lock: WarehouseLock) -> MaterializeResult:
    # What is landed now is what this build reads and versions: a vintage landed while it runs
    # is the next build's change (landed files are immutable, named by their sha256).
    snapshot = bureau_snapshot()
    errors, per_source = [], {}
    with connect_build() as con:
        # each file's observations go straight into the table, none held here: at 1 000 vintages
        # a list of them all was most of the build's memory (issue 26)
        replace_table(con, "raw.bns_observations", [], OBSERVATION_COLUMNS)
        for source in snapshot.sources:
            if source.id in snapshot.errors:  # an unreadable sidecar: an error naming both files, never a skip
                errors.append({"source_id": source.id, "file_name": None, "error": snapshot.errors[source.id]})
                context.log.error(snapshot.errors[source.id])
            count, error, path = _load_vintages(con, source, snapshot.vintages[source.id])
            if error is not None:
                errors.append({"source_id": source.id, "file_name": path.name, "error": str(error)})
                context.log.error(str(error))
            per_source[source.id] = count
        n = sum(per_source.values())
        replace_table(con, "raw.bns_fetch_manifest", snapshot.manifest, MANIFEST_COLUMNS)
        replace_table(con, "raw.bns_sources", snapshot.catalogue, SOURCE_COLUMNS)
        replace_table(con, "raw.bns_load_errors", errors, ERROR_COLUMNS)
    return MaterializeResult(
        data_version=DataVersion(snapshot.version),
        metadata={"observations": n, "errors": len(errors), **{f"rows/{k}": v for k, v in per_source.items()}},
    )


@asset_check(
    asset=bns_observations,
    blocking=True,
    op_tags=DUCKDB_WRITER,
    description="Every landed file of every source parsed.",
)
def sources_parse_cleanly() -> AssetCheckResult:
    with connect_build() as con:
        errors = con.execute("select source_id, error from raw.bns_load_errors order by 1").fetchall()
    return AssetCheckResult(
        passed=not errors,
        severity=AssetCheckSeverity.ERROR,
        description="; ".join(e for _, e in errors) or "all sources parsed",
        metadata={"failed_sources": json.dumps([s for s, _ in errors])},
    )


bns_refresh_job = define_asset_job("bns_refresh", selection=AssetSelection.groups("bns_fetch"))

# The bureau publishes during its working day in Almaty; fetch early next morning.
bns_daily = ScheduleDefinition(
    name="bns_daily_refresh",
    job=bns_refresh_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Almaty",
    default_status=DefaultScheduleStatus.RUNNING,  # on as soon as the daemon runs (make service)
)
