"""Bureau (BNS) tables: one fetch asset per catalogue entry, then one raw table of observations."""

import json

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AutomationCondition,
    ConfigurableResource,
    Output,
    ScheduleDefinition,
    asset,
    asset_check,
    define_asset_job,
)

from pipelines import settings
from pipelines.bns.catalogue import load_catalogue, source_rows
from pipelines.bns.common import SourceError
from pipelines.bns.fetch import fetch_source, landed_vintages, read_manifest
from pipelines.warehouse.db import DUCKDB_WRITER, connect_build, replace_table

OBSERVATION_COLUMNS = [
    ("source_id", "varchar"), ("element_id", "varchar"), ("format", "varchar"), ("vintage", "date"),
    ("file_sha256", "varchar"), ("file_name", "varchar"), ("indicator", "varchar"), ("region", "varchar"),
    ("region_label", "varchar"), ("sex", "varchar"), ("period", "varchar"), ("period_start", "date"),
    ("period_end", "date"), ("value", "double"), ("unit", "varchar"), ("sheet", "varchar"),
    ("row", "integer"), ("col", "varchar"),
]
MANIFEST_COLUMNS = [
    ("source_id", "varchar"), ("url", "varchar"), ("started", "timestamp"), ("finished", "timestamp"),
    ("status", "integer"), ("outcome", "varchar"), ("etag", "varchar"), ("last_modified", "varchar"),
    ("sha256", "varchar"), ("bytes", "bigint"), ("content_type", "varchar"), ("error", "varchar"),
    ("via", "varchar"), ("attempt", "integer"),
]
SOURCE_COLUMNS = [
    ("source_id", "varchar"), ("element_id", "varchar"), ("title", "varchar"), ("producer", "varchar"),
    ("format", "varchar"), ("url", "varchar"), ("license", "varchar"), ("license_url", "varchar"),
    ("attribution", "varchar"), ("cadence", "varchar"), ("unit", "varchar"), ("period", "varchar"),
]
ERROR_COLUMNS = [("source_id", "varchar"), ("file_name", "varchar"), ("error", "varchar")]


class FetchSettings(ConfigurableResource):
    """offline: use only what raw/bns holds. always_materialize: a full build records every
    source even when the bureau answered 304; scheduled refreshes leave it off so an unchanged
    table triggers nothing downstream."""

    offline: bool = False
    always_materialize: bool = False


def _fetch_asset(source):
    @asset(
        key=["bns", source.id],
        group_name="bns_fetch",
        output_required=False,
        description=f"{source.title} — {source.format}, element {source.element_id}: conditional download into raw/bns/{source.id}/.",
        metadata={"element_id": str(source.element_id), "format": source.format, "license": source.license,
                  "url": source.url()},
        kinds={"python", "file"},
    )
    def _fetch(context: AssetExecutionContext, fetch_settings: FetchSettings):
        if fetch_settings.offline:
            result = None
            context.log.info(f"{source.id}: offline, using the files already in raw/bns/{source.id}/")
        else:
            result = fetch_source(source)
            if result.outcome == "offline":
                context.log.warning(f"{source.id}: bureau unreachable ({result.error}); using the files already landed")
            elif result.outcome == "failed":
                raise SourceError(f"{source.id}: {result.error}")
        vintages = landed_vintages(source)
        changed = result is not None and result.outcome == "changed"
        if changed or fetch_settings.always_materialize:
            latest = vintages[-1][1] if vintages else {}
            yield Output(
                None,
                data_version=None,
                metadata={
                    "outcome": result.outcome if result else "offline",
                    "detail": (result.error or "") if result else "--offline: not fetched",
                    "vintages": len(vintages),
                    "latest_vintage": latest.get("vintage", ""),
                    "latest_sha256": latest.get("sha256", ""),
                },
            )

    return _fetch


def build_fetch_assets():
    return [_fetch_asset(s) for s in load_catalogue()]


@asset(
    key=["raw", "bns_observations"],
    deps=[AssetKey(["bns", s.id]) for s in load_catalogue()],
    group_name="bns",
    op_tags=DUCKDB_WRITER,
    automation_condition=AutomationCondition.eager(),
    description="Every value of every landed vintage of every catalogue source (plus raw.bns_fetch_manifest, raw.bns_sources).",
)
def bns_observations(context: AssetExecutionContext) -> Output:
    from pipelines.bns.parse import parse_file  # openpyxl and the parsers: only when parsing

    rows, errors, per_source = [], [], {}
    for source in load_catalogue():
        count = 0
        for path, meta in landed_vintages(source):
            try:
                parsed = parse_file(source, path, meta)
            except SourceError as exc:
                errors.append({"source_id": source.id, "file_name": path.name, "error": str(exc)})
                context.log.error(str(exc))
                break
            rows.extend(parsed)
            count += len(parsed)
        per_source[source.id] = count
    catalogue = source_rows()
    with connect_build() as con:
        n = replace_table(con, "raw.bns_observations", rows, OBSERVATION_COLUMNS)
        replace_table(con, "raw.bns_fetch_manifest", read_manifest(), MANIFEST_COLUMNS)
        replace_table(con, "raw.bns_sources", catalogue, SOURCE_COLUMNS)
        replace_table(con, "raw.bns_load_errors", errors, ERROR_COLUMNS)
    return Output(None, metadata={"observations": n, "errors": len(errors),
                                  **{f"rows/{k}": v for k, v in per_source.items()}})


@asset_check(asset=bns_observations, blocking=True, op_tags=DUCKDB_WRITER, description="Every landed file of every source parsed.")
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
    name="bns_daily_refresh", job=bns_refresh_job, cron_schedule="0 6 * * *",
    execution_timezone="Asia/Almaty",
)
