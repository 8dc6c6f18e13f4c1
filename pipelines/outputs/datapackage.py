"""`kazmig export --format datapackage`: every mart as CSV with a Frictionless `datapackage.json`
(Table Schema per mart with dbt's column docs, the sources with their licences), built with
the frictionless library."""

from __future__ import annotations

from pathlib import Path

from pipelines.files import atomic_write

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
    if duck_type.startswith("DECIMAL("):
        return "number"
    try:
        return FIELD_TYPES[duck_type]
    except KeyError:
        raise ValueError(f"{where}: DuckDB type {duck_type} has no Table Schema type in the data package") from None


def _resource(con, name: str, comment: str | None, data_dir: Path):
    from frictionless import Resource, Schema

    columns = con.execute(
        "select column_name, data_type, is_nullable, comment from duckdb_columns() "
        "where schema_name = 'marts' and table_name = ? order by column_index",
        [name],
    ).fetchall()
    schema = Schema.from_descriptor(
        {
            "fields": [
                {
                    "name": c,
                    "type": field_type(t, f"marts.{name}.{c}"),
                    **({"description": doc} if doc else {}),
                    **({} if nullable else {"constraints": {"required": True}}),
                }
                for c, t, nullable, doc in columns
            ]
        }
    )
    path = data_dir / f"{name}.csv"
    tmp = path.with_name(f".{path.name}.tmp")
    quoted = tmp.as_posix().replace("'", "''")
    # ISO 8601 timestamps ('T' between date and time), as Table Schema's datetime expects.
    con.execute(
        f"copy marts.\"{name}\" to '{quoted}' (format csv, header true, timestampformat '%Y-%m-%dT%H:%M:%S.%f')"
    )
    tmp.replace(path)
    return Resource(
        name=name.replace("_", "-"),
        path=f"data/{path.name}",
        title=f"marts.{name}",
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
    marts = con.execute(
        "select table_name, comment from duckdb_tables() where schema_name = 'marts' order by 1"
    ).fetchall()
    resources = [_resource(con, name, comment, data_dir) for name, comment in marts]
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
    return [target, *(data_dir / f"{name}.csv" for name, _ in marts)]
