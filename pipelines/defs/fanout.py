"""build_multiprocess: every asset in one run whose steps are processes of their own (Dagster's
multiprocess executor), so fetching fans out over the cores; `kazmig build` stays in one process.

The steps that write the build database carry DUCKDB_WRITER and run one at a time (a pool of one):
DuckDB allows a single writer process. The same tag limit carries over to the Celery and
Kubernetes executors (README: "Beyond one machine")."""

from dagster import AssetSelection, define_asset_job, multiprocess_executor

from pipelines.warehouse.db import DUCKDB_WRITER

((_KEY, _VALUE),) = DUCKDB_WRITER.items()

build_multiprocess = define_asset_job(
    "build_multiprocess",
    selection=AssetSelection.all(),
    executor_def=multiprocess_executor.configured(
        {
            # Steps fork from a server that imported the definitions once (spawn re-imports Dagster,
            # dbt and the manifest in every step: seconds each). Named here: with Dagster's default,
            # `dagster job execute -m pipelines.definitions` preloaded only dagster itself, and every
            # step process imported the definitions again.
            "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}},
            "tag_concurrency_limits": [{"key": _KEY, "value": _VALUE, "limit": 1}],
        }
    ),
    description="Every asset, each step in its own process; the build database's writers one at a time.",
)
