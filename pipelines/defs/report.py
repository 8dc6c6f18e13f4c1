"""report/html: the charts and the HTML report of `kazmig report`, as a Dagster asset.

It reads the *published* warehouse read-only, so it sits downstream of warehouse/published and
never on the publication path: a report that fails to render cannot hold back or undo a
publication, a build whose checks fail never reaches it (publication is skipped, so is the
report), and it never opens the build database that dbt writes. Output: $KAZMIG_HOME/warehouse/report/.
"""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from pipelines.defs import OWNERS
from pipelines.outputs.report.data import MARTS
from pipelines.warehouse.inputs import code_version


@asset(
    key=["report", "html"],
    deps=[AssetKey(["marts", name]) for name in MARTS] + [AssetKey(["warehouse", "published"])],
    group_name="report",
    owners=OWNERS,
    code_version=code_version("report"),
    description="Charts (PNG and SVG) and one self-contained HTML page rendered from the marts of the "
    "published warehouse into warehouse/report/ (`kazmig report`).",
)
def report_html(context: AssetExecutionContext) -> MaterializeResult:
    from pipelines.outputs.report.render import render_report

    result = render_report()
    context.log.info(f"report written to {result.page}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(result.page)),
            "files": [p.name for p in result.files],
            "destinations_year": result.year,
            "trend_region": result.region,
            "comparison_year": result.comparison_year,
        }
    )
