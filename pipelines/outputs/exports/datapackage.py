"""`kazmig export --format datapackage`: every mart as CSV with a Frictionless `datapackage.json`
(Table Schema per mart with dbt's column docs, primary and foreign keys, the sources with their
licences), built with the frictionless library. The core dimensions the marts' foreign keys
reference come along as resources of their own, so every reference resolves inside the package."""

from __future__ import annotations

from pathlib import Path

from pipelines.files import atomic_write
from pipelines.warehouse.keys import ForeignKey, foreign_keys, primary_keys

# DuckDB type → Table Schema field type.
FIELD_TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "HUGEINT": "integer",
    "FLOAT": "number",
    "DOUBLE": "number",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "TIMESTAMP WITH TIME ZONE": "datetime",
    "TIME": "time",
}


def field_type(duck_type: str, where: str) -> str:
    if duck_type.endswith("[]"):
        return "array"  # written as a JSON array, as Table Schema reads one
    if duck_type.startswith("DECIMAL("):
        return "number"
    try:
        return FIELD_TYPES[duck_type]
    except KeyError:
        raise ValueError(f"{where}: DuckDB type {duck_type} has no Table Schema type in the data package") from None


def resource_name(table: str) -> str:
    """schema.table → the package's resource name: the marts by their own name, others prefixed."""
    schema, name = table.split(".")
    return (name if schema == "marts" else f"{schema}-{name}").replace("_", "-")


def _resource(con, table: str, comment: str | None, data_dir: Path, key: tuple | None, refs: list[ForeignKey]):
    from frictionless import Resource, Schema

    schema_name, name = table.split(".")
    columns = con.execute(
        "select column_name, data_type, is_nullable, comment from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [schema_name, name],
    ).fetchall()
    descriptor = {
        "fields": [
            {
                "name": c,
                "type": field_type(t, f"{table}.{c}"),
                **({"description": doc} if doc else {}),
                **({} if nullable else {"constraints": {"required": True}}),
            }
            for c, t, nullable, doc in columns
        ]
    }
    if key:
        descriptor["primaryKey"] = list(key)
    if refs:
        descriptor["foreignKeys"] = [
            {
                "fields": list(fk.columns),
                "reference": {"resource": resource_name(fk.ref_table), "fields": list(fk.ref_columns)},
            }
            for fk in refs
        ]
    schema = Schema.from_descriptor(descriptor)
    file_name = name if schema_name == "marts" else f"{schema_name}.{name}"
    path = data_dir / f"{file_name}.csv"
    tmp = path.with_name(f".{path.name}.tmp")
    quoted = tmp.as_posix().replace("'", "''")
    select = ", ".join(f'to_json("{c}") as "{c}"' if t.endswith("[]") else f'"{c}"' for c, t, _, _ in columns)
    # ISO 8601 timestamps ('T' between date and time), as Table Schema's datetime expects.
    con.execute(
        f"copy (select {select} from {schema_name}.\"{name}\") to '{quoted}' "
        "(format csv, header true, timestampformat '%Y-%m-%dT%H:%M:%S.%f')"
    )
    tmp.replace(path)
    return Resource(
        name=resource_name(table),
        path=f"data/{path.name}",
        title=table,
        description=comment,
        format="csv",
        mediatype="text/csv",
        encoding="utf-8",
        schema=schema,
    )


def export_datapackage(con, out_dir: Path) -> list[Path]:
    from frictionless import Package

    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    comments = {
        f"{s}.{t}": c
        for s, t, c in con.execute(
            "select schema_name, table_name, comment from duckdb_tables() where schema_name in ('core', 'marts')"
        ).fetchall()
    }
    marts = sorted(t for t in comments if t.startswith("marts."))
    primary = primary_keys(con)
    foreign = [fk for fk in foreign_keys(primary) if fk.table in marts]
    tables = marts + sorted({fk.ref_table for fk in foreign} - set(marts))
    resources = [
        _resource(con, t, comments[t], data_dir, primary.get(t), [fk for fk in foreign if fk.table == t])
        for t in tables
    ]
    official = con.execute(
        "select distinct title, url, license, license_url, attribution from raw.bns_sources order by 1"
    ).fetchall()
    documents = [r[0] for r in con.execute("select name from raw.documents order by 1").fetchall()]
    licences = {(lic, url) for _, _, lic, url, _ in official}
    package = Package(
        name="kazmig-labour-migration",
        title="Labour migration of Kazakhstan: report-ready marts (kazmig)",
        description="The marts of the kazmig warehouse: official figures of the Bureau of National Statistics "
        "and figures quoted in documents, each with its source. Column descriptions are dbt's docs.",
        licenses=[{"title": lic, "path": url} for lic, url in sorted(licences)],
        sources=[{"title": f"{title} — {attribution}", "path": url} for title, url, _, _, attribution in official]
        + [{"title": f"Document: {name}"} for name in documents],
        resources=resources,
    )
    target = out_dir / "datapackage.json"
    with atomic_write(target, encoding="utf-8") as f:
        f.write(package.to_json())
    return [target, *(out_dir / r.path for r in resources)]
