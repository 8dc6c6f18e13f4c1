"""The PostgreSQL serving tier: the published warehouse's core and marts tables, copied into
PostgreSQL schemas of the same names for readers on other machines.

A release is loaded into new schemas (`core__loading`, `marts__loading`), then swapped in by one
transaction that renames the live schemas away and the loaded ones in, so a query sees the old
release or the new one, never a mixture: the swap first takes every live table's ACCESS
EXCLUSIVE lock, so no statement can have read one table of the old release and then read
another of the new. It waits for running queries (in short lock_timeout attempts, never holding
up readers for longer); after the swap wait (KAZMIG_POSTGRES_SWAP_WAIT) it ends the reader sessions
that hold the tables while idle in a transaction (a BI connection's pool left one open; on unless
KAZMIG_POSTGRES_TERMINATE_IDLE=0), and gives up, naming what held the tables, only when a running
query still holds them. The loading schemas are granted to the reader role in the swap's own
transaction, so readers never see a half-loaded release, and a release that fails drops them.
"""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.files import sha256_file
from pipelines.settings import SWAP_WAIT
from pipelines.warehouse.keys import ForeignKey, foreign_keys, primary_keys

SCHEMAS = ("core", "marts")
# pg_advisory_lock key: one writer at a time, whichever machine it runs on.
LOCK_KEY = 0x6B617A6D6967
# After the swap wait has ended idle sessions: how long running queries may still hold the tables.
GRACE = 10.0
BATCH = 10_000

# DuckDB type → PostgreSQL type; DECIMAL(p,s) and lists are handled in pg_type().
TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(39,0)",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "BLOB": "bytea",
    "JSON": "jsonb",
}


class ServingError(Exception):
    """A release could not be served; the message names the place (table, column, server)."""


@dataclass
class Column:
    name: str
    pg_type: str
    nullable: bool
    comment: str | None


@dataclass
class Table:
    schema: str
    name: str
    comment: str | None
    columns: list[Column] = field(default_factory=list)


def pg_type(duck_type: str, where: str) -> str:
    if duck_type.endswith("[]"):
        return pg_type(duck_type[:-2], where) + "[]"
    if duck_type.startswith("DECIMAL("):
        return "numeric" + duck_type[len("DECIMAL") :]
    try:
        return TYPES[duck_type]
    except KeyError:
        raise ServingError(
            f"{where}: DuckDB type {duck_type} has no PostgreSQL counterpart in the serving tier"
        ) from None


def read_catalog(con: duckdb.DuckDBPyConnection) -> list[Table]:
    """Every base table of the served schemas, with column types, nullability and dbt's docs."""
    tables = {
        (s, t): Table(s, t, c)
        for s, t, c in con.execute(
            "select schema_name, table_name, comment from duckdb_tables() "
            "where schema_name in (select unnest(?)) order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall()
    }
    for s, t, name, dtype, nullable, comment in con.execute(
        "select schema_name, table_name, column_name, data_type, is_nullable, comment from duckdb_columns() "
        "where schema_name in (select unnest(?)) order by schema_name, table_name, column_index",
        [list(SCHEMAS)],
    ).fetchall():
        if (s, t) in tables:
            tables[s, t].columns.append(Column(name, pg_type(dtype, f"{s}.{t}.{name}"), nullable, comment))
    return list(tables.values())


@dataclass
class Served:
    release: str  # sha256 of the published DuckDB file
    rows: dict[str, int]
    swap_attempts: int
    # Reader sessions ended because they held the live tables idle in a transaction: (pid, user).
    terminated: list[tuple[int, str]] = field(default_factory=list)


def serve_published(url: str) -> Served:
    """Serve the published warehouse to `url` with the reader role, the swap's wait and the
    idle-reader setting from the settings: what the build's step and `kazmig serve` both do."""
    return serve(
        settings.published_db(),
        url,
        settings.postgres_reader_role(),
        settings.postgres_swap_wait(),
        settings.postgres_terminate_idle(),
    )


def serve(
    published: Path,
    url: str,
    reader_role: str,
    swap_wait: float = SWAP_WAIT,
    terminate_idle: bool = True,
) -> Served:
    """Copy the core and marts tables of `published` into PostgreSQL at `url` as one release."""
    import psycopg

    release = sha256_file(published)
    duck = duckdb.connect(str(published), read_only=True)
    try:
        tables = read_catalog(duck)
        primary = primary_keys(duck)
        try:
            foreign = foreign_keys(primary)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ServingError(f"the dbt manifest (relationships → foreign keys): {_first_line(exc)}") from None
        try:
            pg = psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as exc:
            raise ServingError(f"PostgreSQL {describe(url)}: {_first_line(exc, last=True)}") from None
        with pg:
            if not pg.execute("select 1 from pg_roles where rolname = %s", [reader_role]).fetchall():
                raise ServingError(
                    f"PostgreSQL {describe(url)}: reader role {reader_role!r} does not exist "
                    f"(scripts/postgres-roles.sql creates kazmig_reader; KAZMIG_POSTGRES_READER names another)"
                )
            pg.execute("select pg_advisory_lock(%s)", [LOCK_KEY])
            try:
                try:
                    rows = _load(pg, duck, tables, release, primary, foreign)
                    attempts, terminated = _swap(pg, reader_role, swap_wait, terminate_idle)
                except BaseException:
                    _drop_loading(pg)
                    raise
                with pg.transaction():  # the old release: readers are done with it (the swap locked it)
                    for schema in SCHEMAS:
                        pg.execute(_sql("drop schema if exists {} cascade", f"{schema}__previous"))
            except psycopg.Error as exc:
                raise ServingError(f"PostgreSQL {describe(url)}: {_first_line(exc)}") from None
            finally:
                with suppress(psycopg.Error):  # a lost connection has released it already
                    pg.execute("select pg_advisory_unlock(%s)", [LOCK_KEY])
    finally:
        duck.close()
    return Served(release=release, rows=rows, swap_attempts=attempts, terminated=terminated)


def _drop_loading(pg) -> None:
    """A release that was not swapped in leaves no schemas behind (BI schema syncs list them)."""
    import psycopg

    with suppress(psycopg.Error):  # a lost connection: the next release drops them before loading
        if pg.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            pg.rollback()
        with pg.transaction():
            for schema in SCHEMAS:
                pg.execute(_sql("drop schema if exists {} cascade", f"{schema}__loading"))


def _first_line(exc: Exception, last: bool = False) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()] or [type(exc).__name__]
    return lines[-1] if last else lines[0]


def _sql(template: str, *names: str):
    from psycopg import sql

    return sql.SQL(template).format(*(sql.Identifier(n) for n in names))


def _load(
    pg, duck, tables: list[Table], release: str, primary: dict[str, tuple[str, ...]], foreign: list[ForeignKey]
) -> dict[str, int]:
    """The release into core__loading and marts__loading, in one transaction, with its primary
    and foreign keys (so BI tools see the relationships); rows per table. Nothing is granted
    yet: the swap grants the reader role the schemas it renames in."""
    import psycopg
    from psycopg import sql

    rows = {}
    with pg.transaction():
        for schema in SCHEMAS:
            loading = f"{schema}__loading"
            pg.execute(_sql("drop schema if exists {} cascade", loading))
            pg.execute(_sql("create schema {}", loading))
            pg.execute(
                sql.SQL("comment on schema {} is {}").format(
                    sql.Identifier(loading), sql.Literal(f"kazmig release {release}")
                )
            )
        for t in tables:
            try:
                rows[f"{t.schema}.{t.name}"] = _load_table(pg, duck, t)
            except psycopg.Error as exc:
                raise psycopg.Error(f"{t.schema}.{t.name}: {_first_line(exc)}") from None
        served = {f"{t.schema}.{t.name}" for t in tables}
        for name, key in primary.items():
            if name in served:
                _keyed(pg, name, "primary key", "alter table {} add primary key ({})", _loading(name), key)
        for fk in foreign:
            if fk.table in served and fk.ref_table in served:
                _keyed(
                    pg,
                    fk.table,
                    f"foreign key {', '.join(fk.columns)} → {fk.ref_table}",
                    "alter table {} add foreign key ({}) references {} ({})",
                    _loading(fk.table),
                    fk.columns,
                    _loading(fk.ref_table),
                    fk.ref_columns,
                )
    return rows


def _loading(name: str):
    from psycopg import sql

    schema, table = name.split(".")
    return sql.Identifier(f"{schema}__loading", table)


def _keyed(pg, name: str, what: str, template: str, *parts) -> None:
    """One key constraint; identifiers and column lists quoted."""
    import psycopg
    from psycopg import sql

    args = [sql.SQL(", ").join(map(sql.Identifier, p)) if isinstance(p, tuple) else p for p in parts]
    try:
        pg.execute(sql.SQL(template).format(*args))
    except psycopg.Error as exc:
        raise psycopg.Error(f"{name} {what}: {_first_line(exc)}") from None


def _load_table(pg, duck, t: Table) -> int:
    """One table into its loading schema: columns, rows (COPY), dbt's docs as comments."""
    from psycopg import sql

    target = sql.Identifier(f"{t.schema}__loading", t.name)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}{}").format(
            sql.Identifier(c.name), sql.SQL(c.pg_type), sql.SQL("" if c.nullable else " not null")
        )
        for c in t.columns
    )
    pg.execute(sql.SQL("create table {} ({})").format(target, columns))
    names = sql.SQL(", ").join(sql.Identifier(c.name) for c in t.columns)
    select = ", ".join(f'"{c.name}"' for c in t.columns)
    cursor = duck.execute(f'select {select} from "{t.schema}"."{t.name}"')
    n = 0
    with pg.cursor().copy(sql.SQL("copy {} ({}) from stdin").format(target, names)) as copy:
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)
            n += len(batch)
    if t.comment:
        pg.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(t.comment)))
    for c in t.columns:
        if c.comment:
            pg.execute(
                sql.SQL("comment on column {}.{} is {}").format(target, sql.Identifier(c.name), sql.Literal(c.comment))
            )
    pg.execute(sql.SQL("analyze {}").format(target))
    return n


def _swap(pg, reader_role: str, swap_wait: float, terminate_idle: bool) -> tuple[int, list[tuple[int, str]]]:
    """Rename the live schemas away and the loaded ones in, in one transaction; returns the
    attempts it took and the idle reader sessions it ended to get the tables."""
    import psycopg

    start, attempts, terminated = time.monotonic(), 0, []
    while True:
        attempts += 1
        try:
            with pg.transaction():
                pg.execute("set local lock_timeout = '200ms'")
                live = pg.execute(
                    "select format('%%I.%%I', schemaname, tablename) from pg_tables "
                    "where schemaname = any(%s) order by 1",
                    [list(SCHEMAS)],
                ).fetchall()
                if live:
                    pg.execute(f"lock table {', '.join(r[0] for r in live)} in access exclusive mode")
                for schema in SCHEMAS:
                    previous = f"{schema}__previous"
                    pg.execute(_sql("drop schema if exists {} cascade", previous))
                    if pg.execute("select 1 from pg_namespace where nspname = %s", [schema]).fetchall():
                        pg.execute(_sql("alter schema {} rename to {}", schema, previous))
                    pg.execute(_sql("alter schema {} rename to {}", f"{schema}__loading", schema))
                    # Granted with the rename: readers see the new release whole or not at all.
                    pg.execute(_sql("grant usage on schema {} to {}", schema, reader_role))
                    pg.execute(_sql("grant select on all tables in schema {} to {}", schema, reader_role))
            return attempts, terminated
        except psycopg.errors.LockNotAvailable:
            waited = time.monotonic() - start
            if waited > swap_wait and terminate_idle:
                terminated += [e for e in _end_idle_holders(pg) if e not in terminated]
            if waited > swap_wait + (GRACE if terminate_idle else 0):
                holders = _holders(pg)
                # A session's state is NULL to a writer that is not a member of its role.
                hidden = sorted({user for _, user, state in holders if state is None})
                hint = (
                    f"; the writer cannot see the state of {', '.join(hidden)} sessions, nor end them when idle: "
                    "grant that role to the writer (scripts/postgres-roles.sql)"
                    if hidden
                    else ""
                )
                raise ServingError(
                    f"the live schemas stayed in use for {waited:.0f} s, the release was not swapped in "
                    f"(its loading schemas are dropped); sessions holding them (pid, user, state): {holders}{hint}"
                ) from None
            time.sleep(0.05)


HOLDERS = """
    select distinct a.pid, a.usename, a.state from pg_locks l
    join pg_stat_activity a using (pid)
    join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(%s) and l.granted and a.pid <> pg_backend_pid() order by 1
"""


def _holders(pg) -> list[tuple]:
    return pg.execute(HOLDERS, [list(SCHEMAS)]).fetchall()


def _end_idle_holders(pg) -> list[tuple[int, str]]:
    """End the sessions that hold the live tables idle in a transaction: they wait on their
    client, not on the server, and would hold every release up for as long as it keeps them open.
    Their state is visible, and they can be ended, only to a member of their role
    (scripts/postgres-roles.sql grants kazmig_reader to kazmig_writer)."""
    import psycopg

    ended = []
    for pid, user, state in _holders(pg):
        if state != "idle in transaction":
            continue
        try:
            if pg.execute("select pg_terminate_backend(%s)", [pid]).fetchone()[0]:
                ended.append((pid, user))
        except psycopg.errors.InsufficientPrivilege:
            raise ServingError(
                f"session {pid} of {user} holds the live tables idle in a transaction and the writer may not "
                f"end it: grant {user} to the writer's role (scripts/postgres-roles.sql)"
            ) from None
    return ended


def describe(url: str) -> str:
    """The server and user of a connection URL, without its password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:
        return "(unparsable KAZMIG_POSTGRES_URL)"
    return f"{info.get('user', '?')}@{info.get('host', '?')}:{info.get('port', 5432)}/{info.get('dbname', '?')}"
