"""serving/postgres: the published warehouse served to PostgreSQL, when KAZMIG_POSTGRES_URL is set.

Downstream of warehouse/published and reading only the published file (read-only), so it is off
the publication path: a PostgreSQL outage fails this step, never the DuckDB publication, and the
PostgreSQL readers keep the last release that was swapped in.
"""

from dagster import AssetExecutionContext, AssetKey, AutomationCondition, MaterializeResult, asset

from pipelines import settings


@asset(
    key=["serving", "postgres"],
    deps=[AssetKey(["warehouse", "published"])],
    group_name="serving",
    automation_condition=AutomationCondition.eager(),
    kinds={"postgres"},
    description="The core and marts tables of the published warehouse in PostgreSQL schemas of the same "
    "names (KAZMIG_POSTGRES_URL), loaded aside and swapped in by one transaction.",
)
def postgres_tier(context: AssetExecutionContext) -> MaterializeResult:
    from pipelines.outputs.serving.postgres import describe, serve_published

    url = settings.postgres_url()
    served = serve_published(url)
    for pid, user in served.terminated:
        context.log.warning(f"ended session {pid} of {user}: it held the live tables idle in a transaction")
    context.log.info(
        f"served release {served.release[:12]} to {describe(url)} "
        f"({sum(served.rows.values())} rows, swapped in at attempt {served.swap_attempts})"
    )
    return MaterializeResult(
        metadata={
            "server": describe(url),
            "release": served.release,
            "swap_attempts": served.swap_attempts,
            "sessions_ended": len(served.terminated),
            **{f"rows/{k}": v for k, v in served.rows.items()},
        }
    )


def serving_assets() -> list:
    """The serving tier's assets: none unless KAZMIG_POSTGRES_URL names a server."""
    return [postgres_tier] if settings.postgres_url() else []
