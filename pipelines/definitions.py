"""The single Definitions object behind `kazmig build`, `dagster dev` and the tests."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    Definitions,
    in_process_executor,
    map_asset_specs,
)

from pipelines.defs import OWNERS
from pipelines.defs.bns import (
    FetchSettings,
    bns_daily,
    bns_observations,
    bns_refresh_job,
    build_fetch_assets,
    sources_parse_cleanly,
)
from pipelines.defs.dbt import kazmig_dbt
from pipelines.defs.documents import document_figures, documents, inbox_sensor
from pipelines.defs.fanout import build_multiprocess
from pipelines.defs.publish import published
from pipelines.defs.report import report_html  # warehouse/report/, downstream of publication
from pipelines.defs.resources import WarehouseLock
from pipelines.defs.serving import serving_assets  # PostgreSQL, when KAZMIG_POSTGRES_URL is set

# Dagster's automation sensor, declared so that it is on by default: the eager conditions (a
# table rebuilt when its inputs changed, publication after it) act without a click in the UI.
automation = AutomationConditionSensorDefinition(
    "default_automation_condition_sensor",
    target=AssetSelection.all(),
    default_status=DefaultSensorStatus.RUNNING,
)

defs = Definitions(
    # every asset has an owner in the UI: the team's, where the asset names none of its own
    assets=map_asset_specs(
        lambda spec: spec if spec.owners else spec.replace_attributes(owners=OWNERS),
        [
            documents,
            document_figures,
            *build_fetch_assets(),
            bns_observations,
            kazmig_dbt,
            published,
            report_html,
            *serving_assets(),
        ],
    ),
    asset_checks=[sources_parse_cleanly],
    jobs=[bns_refresh_job, build_multiprocess],
    schedules=[bns_daily],
    sensors=[inbox_sensor, automation],
    resources={"fetch_settings": FetchSettings(), "warehouse_lock": WarehouseLock()},
    # One process writes the warehouse: DuckDB allows a single writer.
    executor=in_process_executor,
)
