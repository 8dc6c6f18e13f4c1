"""Read-only access to the published warehouse for people and BI tools."""

from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines import settings

# User SQL may not touch the file system or the network, nor switch that back on.
SAFE_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


class WarehouseMissing(RuntimeError):
    pass


class QueryLimit(RuntimeError):
    """A query went past a limit (rows, time, memory); the message says which and what to do."""


@dataclass(frozen=True)
class Limits:
    """What one `kazmig query` may take: rows returned, seconds, and memory (DuckDB's memory limit;
    the CLI also caps the whole process's address space, so a query that builds a huge string
    fails at once instead of taking the machine's memory)."""

    max_rows: int = 100_000
    seconds: float = 60.0
    memory_mb: int = 1024

    @classmethod
    def from_env(cls) -> Limits:
        e = settings.env()
        return cls(
            max_rows=e.query_max_rows or cls.max_rows,
            seconds=float(e.query_timeout or cls.seconds),
            memory_mb=e.query_memory_mb or cls.memory_mb,
        )

    def cap_process(self) -> None:
        """Cap this process's address space: Python and DuckDB's own need, plus the query's memory."""
        import resource

        limit = (self.memory_mb + 1536) << 20
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def connect_published(
    path: Path | None = None, safe: bool = True, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    path = path or settings.published_db()
    if not path.exists():
        raise WarehouseMissing(f"{path}: no published warehouse yet; run `kazmig build` first")
    # memory and threads are set before lock_configuration, which would refuse them afterwards
    return duckdb.connect(str(path), read_only=True, config={**(config or {}), **(SAFE_CONFIG if safe else {})})


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Rows of a query as dicts by column name (the report's and the note's reads of the marts)."""
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def run_query(sql: str, path: Path | None = None, limits: Limits | None = None) -> tuple[list[str], list[tuple]]:
    """Columns and rows of read-only SQL on the published warehouse, within `limits` (QueryLimit
    past one of them)."""
    limits = limits or Limits.from_env()
    con = connect_published(path, config={"memory_limit": f"{limits.memory_mb}MB", "threads": "2"})
    timer = threading.Timer(limits.seconds, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchmany(limits.max_rows + 1)
    except duckdb.InterruptException:
        raise QueryLimit(
            f"stopped after {limits.seconds:g} s, the time limit (KAZMIG_QUERY_TIMEOUT); "
            "narrow the query or raise the limit"
        ) from None
    except (duckdb.OutOfMemoryException, MemoryError):
        raise QueryLimit(
            f"the query needs more than {limits.memory_mb} MB, the memory limit "
            "(KAZMIG_QUERY_MEMORY_MB); aggregate or filter more"
        ) from None
    finally:
        timer.cancel()
        con.close()
    if len(rows) > limits.max_rows:
        raise QueryLimit(
            f"more than {limits.max_rows} rows, the row limit (KAZMIG_QUERY_MAX_ROWS); add a "
            "LIMIT or a WHERE, or use `kazmig export` for whole marts"
        )
    return columns, rows


def _plain(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    return v


def format_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{c: _plain(v) for c, v in zip(columns, r)} for r in rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows([[_plain(v) for v in r] for r in rows])
        return buf.getvalue().rstrip("\n")
    return format_table(columns, rows)


def format_table(columns: list[str], rows: list[tuple]) -> str:
    from tabulate import tabulate

    cells = [[("" if v is None else str(_plain(v))) for v in r] for r in rows]
    # numbers right-aligned, everything shown as DuckDB returned it (no reformatting of values)
    align = ["right" if cells and all(_numeric(r[i]) for r in cells if r[i]) else "left" for i in range(len(columns))]
    table = tabulate(cells, headers=columns, tablefmt="simple", disable_numparse=True, colalign=align or None)
    return f"{table}\n({len(rows)} row{'s' if len(rows) != 1 else ''})"


def _numeric(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False
