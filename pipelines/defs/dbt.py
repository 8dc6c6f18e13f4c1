"""The dbt project in sql/ as Dagster assets; this translator holds the naming policy."""

from pathlib import Path
from typing import Any, Mapping, Sequence

from dagster import AssetExecutionContext, AssetKey, AutomationCondition
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_EXCLUDE_METADATA_KEY,
    DAGSTER_DBT_SELECT_METADATA_KEY,
    DAGSTER_DBT_SELECTOR_METADATA_KEY,
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)

from pipelines import dbt_runner
from pipelines.defs import OWNERS
from pipelines.dbt_manifest import MANIFEST, dbt_project
from pipelines.warehouse.db import DUCKDB_WRITER

project = dbt_project()


def _manifest_path() -> Path:
    manifest = MANIFEST
    if not manifest.exists():
        raise RuntimeError(f"{manifest} is missing: run `kazmig prepare` (dbt parse) before loading the definitions")
    return manifest


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
        return (dbt_resource_props.get("description") or
                f"dbt {dbt_resource_props['resource_type']} {dbt_resource_props['name']}").strip()


translator = KazmigTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


@dbt_assets(manifest=_manifest_path(), dagster_dbt_translator=translator, project=project, op_tags=DUCKDB_WRITER)
def kazmig_dbt(context: AssetExecutionContext):
    # `dbt build` runs seeds, models and tests in dependency order; tests become asset checks and
    # a failing error-severity test skips everything downstream of it, publication included.
    # dbt runs in this process (pipelines/dbt_runner.py); the selection is dagster-dbt's own, so a
    # subset picked in the UI builds just that subset.
    manifest, dbt_translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    tags = context.op.tags
    selection, indirect = get_subset_selection_for_context(
        context=context, manifest=manifest, select=tags.get(DAGSTER_DBT_SELECT_METADATA_KEY),
        exclude=tags.get(DAGSTER_DBT_EXCLUDE_METADATA_KEY), selector=tags.get(DAGSTER_DBT_SELECTOR_METADATA_KEY),
        dagster_dbt_translator=dbt_translator, current_dbt_indirect_selection_env=None)
    args = ["build", *selection, *(["--indirect-selection", indirect] if indirect else [])]
    yield from dbt_runner.dagster_events(context, dbt_translator, manifest, args, project)


def model_keys() -> list[AssetKey]:
    """Every table dbt builds: publication waits for all of them and their checks."""
    return sorted(kazmig_dbt.keys, key=lambda k: k.path)
