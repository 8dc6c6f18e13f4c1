"""The dbt project in sql/ as Dagster assets (dagster-dbt's `dbt_assets`), run by dbt's
programmatic interface in this process; the translator holds the naming policy, code versions
and check descriptions."""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetObservation,
    AutomationCondition,
    Failure,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets

from pipelines import settings
from pipelines.dbt import run as dbt_run
from pipelines.dbt.manifest import PROJECT_DIR, SKIP_UNIT_TESTS_TAG, code_versions, dbt_project, prepare
from pipelines.defs import OWNERS
from pipelines.messages import DBT_FAILED, out_of_memory
from pipelines.warehouse.db import DUCKDB_WRITER, table_shapes
from pipelines.warehouse.inputs import digest, freshness_day

# The manifest is made (dbt parse) when the project changed since the last parse, so the
# definitions load wherever they are loaded: `kazmig build`, `dagster dev`, `dg check defs`.
prepare()
project = dbt_project()
_MANIFEST = json.loads(project.manifest_path.read_text())
_CODE = code_versions(_MANIFEST)  # by dbt's unique id, from what the manifest says defines each node


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
        # From the manifest (pipelines/dbt/manifest.py), not from the files under sql/: a file a
        # tool writes there is no code. Freshness is judged against the date.
        own = _CODE.get(dbt_resource_props["unique_id"]) or super().get_code_version(dbt_resource_props)
        day = freshness_day() if dbt_resource_props["name"] == "source_freshness" else None
        return digest([own, day])

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

# The source assets of the project (the Python assets that land raw tables), by dbt's unique id:
# a dbt test on a source is not a check of this asset; it is shown as an observation of the source.
_SOURCES = {uid: translator.get_asset_key(props) for uid, props in _MANIFEST["sources"].items()}


@dbt_assets(manifest=project.manifest_path, dagster_dbt_translator=translator, project=project, op_tags=DUCKDB_WRITER)
def kazmig_dbt(context: AssetExecutionContext):
    # `dbt build` runs seeds, models and tests in dependency order; tests become asset checks and
    # a failing error-severity test skips everything downstream of it, publication included.
    # dbt runs in this process (pipelines/dbt/run.py) on the nodes of this run's assets and checks
    # (a subset picked in the UI, or what is stale); each table's row count and column schema
    # are read afterwards through one read-only DuckDB connection.
    target, database = settings.dbt_target_dir(), settings.build_db()
    database.parent.mkdir(parents=True, exist_ok=True)
    manifest = dbt_run.parse(target)
    nodes, checks = _node_keys(context)
    select, indirect = selection(context, manifest, nodes, checks)
    context.log.info(f"dbt build {'of ' + str(len(select)) + ' selected nodes' if select else 'of the project'}")
    # `kazmig build` tags a run in which only data changed: dbt's unit tests (fixed rows) are skipped
    unit_tests = not context.run.tags.get(SKIP_UNIT_TESTS_TAG)
    outcome = dbt_run.build(manifest, target, database, select, indirect, unit_tests=unit_tests)
    if outcome.result is None:  # dbt stopped before it ran anything
        raise Failure(description=f"{DBT_FAILED}\n{outcome.exception or 'see ' + str(target / 'dbt.log')}")
    results = outcome.result.results
    shapes = table_shapes(database) if database.exists() else {}
    selected_checks = context.selected_asset_check_keys
    for r in results:
        uid, status = r.node.unique_id, str(r.status)
        meta = {"unique_id": uid, "status": status, "execution_duration": round(r.execution_time, 3)}
        if r.failures is not None:
            meta["dagster_dbt/failed_row_count"] = r.failures
        if uid in nodes:
            if status == "success":
                shape = shapes.get(tuple(nodes[uid].path))
                extra = table_metadata(*shape) if shape else {}
                yield MaterializeResult(asset_key=nodes[uid], metadata={**meta, **extra})
        elif status == "skipped":
            continue
        elif uid in checks and checks[uid] in selected_checks:
            yield AssetCheckResult(
                asset_key=checks[uid].asset_key,
                check_name=checks[uid].name,
                passed=status == "pass",
                severity=AssetCheckSeverity.WARN if status == "warn" else AssetCheckSeverity.ERROR,
                metadata=meta,
            )
        elif (source := _source_of(r.node)) is not None:
            yield AssetObservation(asset_key=source, metadata=meta)
    if not outcome.success:
        raise Failure(description=DBT_FAILED + "\n" + "\n".join(failed_nodes(results)))


def _source_of(node) -> AssetKey | None:
    """The source asset a dbt test is attached to, if it tests a source."""
    for uid in [getattr(node, "attached_node", None), *node.depends_on.nodes]:
        if uid in _SOURCES:
            return _SOURCES[uid]
    return None


def _node_keys(context: AssetExecutionContext) -> tuple[dict[str, AssetKey], dict[str, AssetCheckKey]]:
    """dbt's unique id -> this asset's key, for models and seeds; -> the check's key, for tests."""
    unique_id = "dagster_dbt/unique_id"
    nodes = {s.metadata[unique_id]: s.key for s in context.assets_def.specs if unique_id in s.metadata}
    checks = {s.metadata[unique_id]: s.key for s in context.assets_def.check_specs if unique_id in s.metadata}
    return nodes, checks


def selection(context: AssetExecutionContext, manifest, nodes: dict, checks: dict) -> tuple[list[str], str | None]:
    """dbt's --select for the assets and checks of this run (none: the whole project) and its
    indirect selection: tests come with the models selected, unless some of their checks were
    left out, in which case exactly the checks selected run."""
    keys, check_keys = context.selected_asset_keys, context.selected_asset_check_keys
    if keys >= set(nodes.values()) and check_keys >= set(checks.values()):
        return [], None
    models = [uid for uid, key in nodes.items() if key in keys]
    tests = [uid for uid, key in checks.items() if key in check_keys]
    if set(tests) == {uid for uid, key in checks.items() if key.asset_key in keys}:  # the models' own checks
        return [f"fqn:{'.'.join(manifest.nodes[uid].fqn)}" for uid in models], None
    return [f"fqn:{'.'.join(manifest.nodes[uid].fqn)}" for uid in models + tests], "empty"


def table_metadata(rows: int, columns: list[tuple[str, str]]) -> dict:
    """Dagster's standard table metadata keys, which its UI shows as the table's size and schema."""
    schema = TableSchema(columns=[TableColumn(name, sqltype) for name, sqltype in columns])
    return {"dagster/row_count": MetadataValue.int(rows), "dagster/column_schema": MetadataValue.table_schema(schema)}


def failed_nodes(results) -> list[str]:
    """One line per node that failed or errored, naming its file."""
    lines = []
    for r in results:
        status = str(r.status)
        if status in ("error", "fail", "runtime error"):
            message = (r.message or status).strip().splitlines()
            # DuckDB's memory error is on the message's second line: say what to do instead
            memory = out_of_memory(r.message)
            lines.append(
                f"{status} in {r.node.resource_type} {r.node.name} ({r.node.original_file_path}): "
                f"{message[0] if message else status}" + (f"; {memory}" if memory else "")
            )
    return lines or ["dbt failed (see the build log)"]


def model_keys() -> list[AssetKey]:
    """Every table dbt builds: publication waits for all of them and their checks."""
    return sorted(kazmig_dbt.keys, key=lambda k: k.path)
