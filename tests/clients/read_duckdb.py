"""Run by tests/test_clients.py inside a client's own environment (any DuckDB version): opens
the published warehouse read-only and prints what it reads as JSON (rows and a digest per table
of core and marts, every column comment)."""

import hashlib
import json
import sys

import duckdb

con = duckdb.connect(sys.argv[1], read_only=True)
tables = {}
for schema, name in con.execute(
    "select schema_name, table_name from duckdb_tables() where schema_name in ('core', 'marts') order by 1, 2"
).fetchall():
    rows = con.execute(f'select * from "{schema}"."{name}"').fetchall()
    digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
    tables[f"{schema}.{name}"] = {"rows": len(rows), "digest": digest}
comments = {
    f"{s}.{t}.{c}": comment
    for s, t, c, comment in con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where schema_name in ('core', 'marts') order by 1, 2, 3"
    ).fetchall()
}
# Views too: staging's SQL must bind in this version.
views = {
    f"{s}.{v}": con.execute(f'select count(*) from "{s}"."{v}"').fetchall()[0][0]
    for s, v in con.execute(
        "select schema_name, view_name from duckdb_views() where not internal order by 1, 2"
    ).fetchall()
}
print(json.dumps({"duckdb": duckdb.__version__, "tables": tables, "comments": comments, "views": views}))
