"""The dbt project in sql/ as Dagster assets, run by dagster-dbt's DbtCliResource; this
translator holds the naming policy, code versions and check descriptions."""

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AutomationCondition,
    Failure,
    MetadataValue,
    Output,
    TableColumn,
    TableSchema,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines import settings
from pipelines.build import DBT_FAILED
from pipelines.dbt_manifest import PROJECT_DIR, dbt_executable, dbt_project, prepare, project_hash
from pipelines.defs import OWNERS
from pipelines.warehouse.db import DUCKDB_WRITER, table_shapes
from pipelines.warehouse.inputs import digest, freshness_day

# The manifest is made (dbt parse) when the project changed since the last parse, so the
# definitions load wherever they are loaded: `kazmig build`, `dagster dev`, `dg check defs`.
prepare()
project = dbt_project()
_PROJECT = project_hash()  # macros, tests, schema files and settings: every model's code depends on them


class KazmigTranslator(DagsterDbtTranslator):
    """Models are keyed [schema, name] (raw/staging/core/marts); sources take the key of the
    Python asset that lands them (meta.dagster.asset_key in sources.yml)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props["config"].get("schema") or "main"
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return dbt_resource_props["config"].get("schema")

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> AutomationCondition | None:
        return AutomationCondition.eager()

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        return super().get_owners(dbt_resource_props) or OWNERS

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        # the model's documented description, without the raw SQL dagster-dbt appends by default
        return (
            dbt_resource_props.get("description")
            or f"dbt {dbt_resource_props['resource_type']} {dbt_resource_props['name']}"
        ).strip()

    def get_code_version(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # The node's own SQL (or seed file) and the project around it: a macro, a test or a
        # schema file that changes can change any table. Freshness is judged against the date.
        own = super().get_code_version(dbt_resource_props) or dbt_resource_props.get("checksum", {}).get("checksum")
        day = freshness_day() if dbt_resource_props["name"] == "source_freshness" else None
        return digest([own, _PROJECT, day])

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=check_description(manifest["nodes"][unique_id], manifest),
            additional_deps=spec.additional_deps,
            blocking=spec.blocking,
            metadata=spec.metadata,
        )


def check_description(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """What a dbt test checks, in words: its own description, else the comment that opens a
    singular test or the generic test's macro, else the generic test's name; with its arguments."""
    if test.get("description"):
        return test["description"]
    meta = test.get("test_metadata") or {}
    if not meta:
        return _comment(test.get("raw_code") or "") or test["name"]
    kwargs = {k: v for k, v in (meta.get("kwargs") or {}).items() if k != "model" and v is not None}
    column = kwargs.pop("column_name", None)
    macro = manifest.get("macros", {}).get(f"macro.{test.get('package_name')}.test_{meta['name']}", {})
    source = PROJECT_DIR / macro["original_file_path"] if macro.get("original_file_path") else None
    own = _comment(source.read_text()) if source and source.is_file() else ""  # the macro file's opening comment
    what = _BUILTIN.get(meta["name"]) or own or meta["name"].replace("_", " ")
    args = ", ".join(f"{k}={_jinja_free(v)}" for k, v in sorted(kwargs.items()))
    on = ", ".join(x for x in (f"column {column}" if column else "", args) if x)
    return f"{what} ({on})" if on else what


_BUILTIN = {
    "not_null": "No NULL values.",
    "unique": "No duplicate values.",
    "accepted_values": "Only the accepted values.",
    "relationships": "Every value refers to an existing row of the other table.",
}


def _comment(sql: str) -> str:
    """The comment a test opens with: `-- ...` lines or a `{#- ... -#}` block."""
    block = re.match(r"\s*\{#-?(.*?)-?#\}", sql, re.S)
    if block:
        return " ".join(block.group(1).split())
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("{{ config")]
    comment = []
    for line in lines:
        if not line.startswith("--"):
            break
        comment.append(line[2:].strip())
    return " ".join(comment)


def _jinja_free(value: Any) -> str:
    return re.sub(r"\{\{\s*get_where_subquery\((.*?)\)\s*\}\}", r"\1", str(value))


translator = KazmigTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)

dbt_resource = DbtCliResource(project_dir=project, profiles_dir=os.fspath(PROJECT_DIR), dbt_executable=dbt_executable())


@dbt_assets(manifest=project.manifest_path, dagster_dbt_translator=translator, project=project, op_tags=DUCKDB_WRITER)
def kazmig_dbt(context: AssetExecutionContext, dbt: DbtCliResource):
    # `dbt build` runs seeds, models and tests in dependency order; tests become asset checks and
    # a failing error-severity test skips everything downstream of it, publication included.
    # dagster-dbt narrows dbt's selection to the assets of this run (a subset picked in the UI, or
    # what is stale), and attaches each table's row count and column schema.
    target = settings.dbt_target_dir()
    settings.build_db().parent.mkdir(parents=True, exist_ok=True)
    # The profile writes where this home's build database is (dbt runs in its own process).
    os.environ["KAZMIG_BUILD_DB"] = str(settings.build_db())
    # dbt's own log ($KAZMIG_HOME/.dbt/dbt.log) shows its progress while it runs.
    invocation = dbt.cli(
        ["build", "--log-level-file", "info", "--log-format-file", "text"],
        context=context,
        target_path=target,
        raise_on_error=False,
    )
    # Wait for dbt, then read every table's row count and column types through one read-only
    # DuckDB connection (dbt has closed the database: one writer). dagster-dbt's fetch_row_counts
    # and fetch_column_metadata ask dbt's adapter table by table from a thread pool, which cost
    # more than dbt's own run (26 s against 12 s in a cold build).
    succeeded = invocation.is_successful()
    shapes = table_shapes(settings.build_db()) if settings.build_db().exists() else {}
    for event in invocation.stream():
        if isinstance(event, Output):
            shape = shapes.get(tuple(context.asset_key_for_output(event.output_name).path))
            if shape is not None:
                event = event.with_metadata({**event.metadata, **table_metadata(*shape)})
        yield event
    if not succeeded:
        raise Failure(description=DBT_FAILED + "\n" + "\n".join(failed_nodes(invocation)))


def table_metadata(rows: int, columns: list[tuple[str, str]]) -> dict:
    """Dagster's standard table metadata keys, which its UI shows as the table's size and schema."""
    schema = TableSchema(columns=[TableColumn(name, sqltype) for name, sqltype in columns])
    return {"dagster/row_count": MetadataValue.int(rows), "dagster/column_schema": MetadataValue.table_schema(schema)}


def failed_nodes(invocation) -> list[str]:
    """One line per node that failed or errored, naming its file; else dbt's own error lines."""
    import json

    try:
        results = invocation.get_artifact("run_results.json").get("results", [])
    except OSError:  # dbt stopped before running anything (a parse or profile error)
        results = []
    nodes = json.loads(project.manifest_path.read_text())["nodes"]
    lines = []
    for r in results:
        if r.get("status") in ("error", "fail", "runtime error"):
            node = nodes.get(r["unique_id"], {})
            message = (r.get("message") or r["status"]).strip().splitlines()
            lines.append(
                f"{r['status']} in {node.get('resource_type', 'node')} {node.get('name', r['unique_id'])} "
                f"({node.get('original_file_path', '')}): {message[0] if message else r['status']}"
            )
    if not lines:
        error = invocation.get_error()
        lines = [line for line in str(error.description if error else "").splitlines() if line.strip()][-3:]
    return lines or ["dbt failed (see the build log)"]


def model_keys() -> list[AssetKey]:
    """Every table dbt builds: publication waits for all of them and their checks."""
    return sorted(kazmig_dbt.keys, key=lambda k: k.path)
