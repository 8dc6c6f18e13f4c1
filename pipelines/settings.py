"""Where kazmig keeps things. Everything is derived from KAZMIG_HOME so tests can relocate it."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = REPO_ROOT / "sql"
SEEDS_DIR = SQL_DIR / "seeds"


def home() -> Path:
    return Path(os.environ.get("KAZMIG_HOME") or REPO_ROOT).resolve()


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


def fixtures_dir() -> Path:
    """The shared bureau downloads used by tests (never copied into the project)."""
    return Path(os.environ.get("KAZMIG_FIXTURES") or (REPO_ROOT.parent / "shared" / "bns")).resolve()


def postgres_url() -> str | None:
    """The serving tier's writer connection (scripts/postgres-roles.sql); unset: no PostgreSQL tier."""
    return os.environ.get("KAZMIG_POSTGRES_URL") or None


def postgres_reader_role() -> str:
    """The role granted read access to each release served to PostgreSQL."""
    return os.environ.get("KAZMIG_POSTGRES_READER") or "kazmig_reader"


SWAP_WAIT = 30.0  # seconds, unless KAZMIG_POSTGRES_SWAP_WAIT says otherwise


def postgres_swap_wait() -> float:
    """Seconds a release waits for readers to let go of the live tables before it ends the idle ones."""
    raw = os.environ.get("KAZMIG_POSTGRES_SWAP_WAIT")
    try:
        return float(raw) if raw else SWAP_WAIT
    except ValueError:
        raise ValueError(f"KAZMIG_POSTGRES_SWAP_WAIT={raw!r}: not a number of seconds") from None


def postgres_terminate_idle() -> bool:
    """Whether a release ends reader sessions that hold the live tables idle in a transaction
    (after the swap wait); off, such a session makes the release fail instead."""
    return os.environ.get("KAZMIG_POSTGRES_TERMINATE_IDLE", "1").strip().lower() not in ("0", "false", "no", "off")
