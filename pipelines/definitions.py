"""The single Definitions object behind `kazmig build`, `dagster dev` and the tests."""
from __future__ import annotations

from dagster import Definitions, in_process_executor

from pipelines.defs.bns import FetchSettings, WarehouseLock, bns_daily, bns_observations, bns_refresh_job, build_fetch_assets, sources_parse_cleanly
from pipelines.defs.dbt import kazmig_dbt
from pipelines.defs.documents import document_figures, documents, inbox_sensor
from pipelines.defs.publish import published
from pipelines.defs.report import report_html  # warehouse/report/, downstream of publication

defs = Definitions(
    assets=[documents, document_figures, *build_fetch_assets(), bns_observations, kazmig_dbt, published, report_html],
    asset_checks=[sources_parse_cleanly],
    jobs=[bns_refresh_job],
    schedules=[bns_daily],
    sensors=[inbox_sensor],
    resources={"fetch_settings": FetchSettings(), "warehouse_lock": WarehouseLock()},
    # One process writes the warehouse: DuckDB allows a single writer.
    executor=in_process_executor,
)
