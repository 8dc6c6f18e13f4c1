"""Run by tests/test_clients.py inside a client's own environment: reflects the marts through
SQLAlchemy and duckdb-engine the way Superset does when a dataset is created (inspector calls,
then Table(..., autoload_with=engine) and a select through it) and prints what it got as JSON."""

import json
import sys
import warnings

import sqlalchemy as sa

warnings.simplefilter("ignore")  # duckdb-engine warns that it does not reflect indexes

engine = sa.create_engine(f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True})
inspector = sa.inspect(engine)
out = {"sqlalchemy": sa.__version__, "schemas": inspector.get_schema_names(), "marts": {}}
for name in inspector.get_table_names(schema="marts"):
    columns = inspector.get_columns(name, schema="marts")
    inspector.get_pk_constraint(name, schema="marts")
    inspector.get_foreign_keys(name, schema="marts")
    inspector.get_indexes(name, schema="marts")
    table = sa.Table(name, sa.MetaData(), schema="marts", autoload_with=engine)
    with engine.connect() as con:
        rows = con.execute(sa.select(table).limit(1000000)).fetchall()
    out["marts"][name] = {
        "columns": [c["name"] for c in columns],
        "types": [str(c["type"]) for c in columns],
        "comments": {c["name"]: c.get("comment") for c in columns},
        "table_comment": inspector.get_table_comment(name, schema="marts")["text"],
        "autoload_columns": list(table.columns.keys()),
        "rows": len(rows),
    }
engine.dispose()
print(json.dumps(out))
