"""The PostgreSQL serving tier: the published warehouse's core and marts tables, copied into
PostgreSQL schemas of the same names for readers on other machines.

A release is loaded into new schemas (`core__loading`, `marts__loading`), then swapped in by one
transaction that renames the live schemas away and the loaded ones in, so a query sees the old
release or the new one, never a mixture: the swap first takes every live table's ACCESS
EXCLUSIVE lock, so no statement can have read one table of the old release and then read
another of the new. It waits for running queries (in short lock_timeout attempts, never holding
up readers for longer) and gives up after SWAP_WAIT seconds, naming what held the tables.
"""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.files import sha256_file

SCHEMAS = ("core", "marts")
# pg_advisory_lock key: one writer at a time, whichever machine it runs on.
LOCK_KEY = 0x6B617A6D6967
SWAP_WAIT = 120.0
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


def serve(published: Path, url: str, reader_role: str) -> Served:
    """Copy the core and marts tables of `published` into PostgreSQL at `url` as one release."""
    import psycopg

    release = sha256_file(published)
    duck = duckdb.connect(str(published), read_only=True)
    try:
        tables = read_catalog(duck)
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
                rows = _load(pg, duck, tables, reader_role, release)
                attempts = _swap(pg)
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
    return Served(release=release, rows=rows, swap_attempts=attempts)


def _first_line(exc: Exception, last: bool = False) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()] or [type(exc).__name__]
    return lines[-1] if last else lines[0]


def _sql(template: str, *names: str):
    from psycopg import sql

    return sql.SQL(template).format(*(sql.Identifier(n) for n in names))


def _load(pg, duck, tables: list[Table], reader_role: str, release: str) -> dict[str, int]:
    """The release into core__loading and marts__loading, in one transaction; rows per table."""
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
        for schema in SCHEMAS:
            loading = f"{schema}__loading"
            pg.execute(_sql("grant usage on schema {} to {}", loading, reader_role))
            pg.execute(_sql("grant select on all tables in schema {} to {}", loading, reader_role))
    return rows


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


def _swap(pg) -> int:
    """Rename the live schemas away and the loaded ones in, in one transaction; returns attempts."""
    import psycopg

    deadline, attempts = time.monotonic() + SWAP_WAIT, 0
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
            return attempts
        except psycopg.errors.LockNotAvailable:
            if time.monotonic() > deadline:
                holders = pg.execute(
                    "select distinct a.pid, a.usename, a.state from pg_locks l join pg_stat_activity a using (pid) "
                    "join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace "
                    "where n.nspname = any(%s) and a.pid <> pg_backend_pid()",
                    [list(SCHEMAS)],
                ).fetchall()
                raise ServingError(
                    f"the live schemas stayed in use for {SWAP_WAIT:.0f} s, the release was "
                    f"loaded but not swapped in; sessions holding them: {holders}"
                ) from None
            time.sleep(0.05)


def describe(url: str) -> str:
    """The server and user of a connection URL, without its password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:
        return "(unparsable KAZMIG_POSTGRES_URL)"
    return f"{info.get('user', '?')}@{info.get('host', '?')}:{info.get('port', 5432)}/{info.get('dbname', '?')}"
