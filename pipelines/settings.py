"""Where kazmig keeps things and what the environment says: every KAZMIG_* variable is read
here (`env()`), nowhere else. Everything is derived from KAZMIG_HOME so tests can relocate it.

The environment is read on each call (and validated once per distinct set of values), not
cached at import: a test, or the CLI before it starts a build, may set a variable in this process."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import PositiveInt, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = REPO_ROOT / "sql"
SEEDS_DIR = SQL_DIR / "seeds"

SWAP_WAIT = 30.0  # seconds, unless KAZMIG_POSTGRES_SWAP_WAIT says otherwise
# DuckDB's memory limit for dbt's and the publication's connections, unless KAZMIG_BUILD_MEMORY_MB
# says otherwise: DuckDB's own default is 80 % of the machine's memory, which a 1 000-document
# build took (1.8 GB at its peak); past the limit DuckDB spills to a folder beside the database.
BUILD_MEMORY_MB = 512


class Environment(BaseSettings):
    """The KAZMIG_* variables (an empty one counts as unset; None: the caller's default)."""

    model_config = SettingsConfigDict(env_prefix="KAZMIG_", env_ignore_empty=True, extra="ignore")

    home: Path | None = None  # the project's data: raw/, warehouse/, .dagster/
    fixtures: Path | None = None  # the shared bureau downloads the tests use
    catalogue: Path | None = None  # the bureau tables to fetch (default pipelines/sources/bns/catalogue.yaml)
    offline: bool = False  # make no request to the bureau
    bns_base_url: str | None = None  # the bureau's address (default https://stat.gov.kz)
    bns_allowed_hosts: str = ""  # more hosts downloads may come from, comma separated
    bns_connect_timeout: float | None = None
    bns_read_timeout: float | None = None
    bns_deadline: float | None = None
    bns_retries: float | None = None
    bns_backoff: float | None = None
    bns_max_retry_after: float | None = None
    bns_max_redirects: float | None = None
    bns_max_bytes: float | None = None
    bns_max_xlsx_uncompressed: int | None = None
    max_document_bytes: int | None = None  # the largest PDF the inbox accepts
    pdf_max_page_mb: float | None = None
    pdf_max_document_mb: float | None = None
    query_max_rows: int | None = None
    query_timeout: int | None = None
    query_memory_mb: int | None = None
    build_memory_mb: PositiveInt = BUILD_MEMORY_MB
    postgres_url: str | None = None
    postgres_reader: str = "kazmig_reader"
    postgres_swap_wait: float = SWAP_WAIT
    postgres_terminate_idle: str = "1"


def env() -> Environment:
    """The KAZMIG_* variables now; a value of the wrong kind is one line naming the variable."""
    # Validated once per distinct set of values (a model costs milliseconds; paths ask often).
    return _environment(tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith("KAZMIG_"))))


@functools.lru_cache(maxsize=16)
def _environment(_values: tuple) -> Environment:
    try:
        return Environment()
    except ValidationError as e:
        err = e.errors()[0]
        name = "KAZMIG_" + str(err["loc"][0]).upper()
        raise ValueError(f"{name}={err.get('input')!r}: {err['msg'].lower()}") from None


def sample_bundle() -> str | None:
    """KAZMIG_SAMPLE_BUNDLE: None unset, "" switched off, else the folder (empty is meaningful here,
    so it is not part of Environment, which treats empty as unset)."""
    return os.environ.get("KAZMIG_SAMPLE_BUNDLE")


def home() -> Path:
    return Path(env().home or REPO_ROOT).resolve()


def raw_dir() -> Path:
    return home() / "raw"


def documents_dir() -> Path:
    return raw_dir() / "documents"


def inbox_dir() -> Path:
    return raw_dir() / "inbox"


def bns_dir() -> Path:
    return raw_dir() / "bns"


def warehouse_dir() -> Path:
    return home() / "warehouse"


def build_db() -> Path:
    """The database assets write into; published only after every blocking check passed."""
    return warehouse_dir() / "build" / "kazmig.duckdb"


def dbt_target_dir() -> Path:
    """dbt's working folder for builds (its parse cache, compiled SQL, run_results.json, dbt.log):
    one fixed place per home, so dbt parses the project again only when it changed, and the last
    build's run_results.json can name the rows a failing test returned. A cache, not warehouse
    state: it is kept when the warehouse is rebuilt from nothing."""
    return home() / ".dbt"


def published_db() -> Path:
    return warehouse_dir() / "kazmig.duckdb"


def dagster_home() -> Path:
    """Dagster's storage: DAGSTER_HOME (Dagster's own variable), else the home's .dagster."""
    return Path(os.environ.get("DAGSTER_HOME") or home() / ".dagster")


def fixtures_dir() -> Path:
    """The shared bureau downloads used by tests (never copied into the project)."""
    return Path(env().fixtures or (REPO_ROOT.parent / "shared" / "bns")).resolve()


def build_memory_mb() -> int:
    """DuckDB's memory limit in MB (its `memory_limit`) for dbt's database; the publication's
    copy, which streams, takes half of it (pipelines/warehouse/publish.py)."""
    return env().build_memory_mb


def postgres_url() -> str | None:
    """The serving tier's writer connection (scripts/postgres-roles.sql); unset: no PostgreSQL tier."""
    return env().postgres_url


def postgres_reader_role() -> str:
    """The role granted read access to each release served to PostgreSQL."""
    return env().postgres_reader


def postgres_swap_wait() -> float:
    """Seconds a release waits for readers to let go of the live tables before it ends the idle ones."""
    return env().postgres_swap_wait


def postgres_terminate_idle() -> bool:
    """Whether a release ends reader sessions that hold the live tables idle in a transaction
    (after the swap wait); off, such a session makes the release fail instead."""
    return env().postgres_terminate_idle.strip().lower() not in ("0", "false", "no", "off")
