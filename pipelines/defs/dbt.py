"""The dbt project in sql/ as Dagster assets; this translator holds the naming policy."""

import os
from pathlib import Path
from typing import Any, Mapping

from dagster import AssetExecutionContext, AssetKey, AutomationCondition
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines import settings
from pipelines.dbt_manifest import dbt_executable, project


def _manifest_path() -> Path:
    manifest = Path(project.manifest_path)
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


translator = KazmigTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


@dbt_assets(manifest=_manifest_path(), dagster_dbt_translator=translator, project=project)
def kazmig_dbt(context: AssetExecutionContext, dbt: DbtCliResource):
    # `dbt build` runs seeds, models and tests in dependency order; tests become asset checks and
    # a failing error-severity test skips everything downstream of it, publication included.
    os.environ["KAZMIG_BUILD_DB"] = str(settings.build_db())
    settings.build_db().parent.mkdir(parents=True, exist_ok=True)
    yield from dbt.cli(["build"], context=context, target_path=settings.dbt_target_dir()).stream()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=project, profiles_dir=str(project.profiles_dir), dbt_executable=dbt_executable())


def model_keys() -> list[AssetKey]:
    """Every table dbt builds: publication waits for all of them and their checks."""
    return sorted(kazmig_dbt.keys, key=lambda k: k.path)
