"""Primary and foreign keys of the core and marts tables, for the readers that can use them
(PostgreSQL's catalogue, the data package's Table Schemas, BI tools drawing relationships).

Primary keys are dbt `primary_key` constraints of the enforced contracts, so DuckDB holds them
in the published file (`duckdb_constraints()`) and refuses a duplicate or NULL key as the table
is written. Foreign keys are dbt's `relationships` tests whose target field is the target's
primary key: DuckDB cannot hold a foreign key across schemas (marts → core), and within one
schema dbt-duckdb would have to drop and restore the referencing tables on every rebuild of a
dimension, so the build checks them as tests and the readers get them declared.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

SCHEMAS = ("core", "marts")


@dataclass(frozen=True)
class ForeignKey:
    table: str  # schema.name
    columns: tuple[str, ...]
    ref_table: str  # schema.name
    ref_columns: tuple[str, ...]


def primary_keys(con) -> dict[str, tuple[str, ...]]:
    """schema.table → its primary key columns, as the DuckDB file holds them."""
    return {
        f"{s}.{t}": tuple(cols)
        for s, t, cols in con.execute(
            "select schema_name, table_name, constraint_column_names from duckdb_constraints() "
            "where constraint_type = 'PRIMARY KEY' and schema_name in (select unnest(?)) order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall()
    }


def foreign_keys(primary: dict[str, tuple[str, ...]], manifest: dict | None = None) -> list[ForeignKey]:
    """The relationships tests of the dbt project between tables of `primary`'s schemas whose
    target field is the target table's whole primary key (what a foreign key may reference)."""
    if manifest is None:
        from pipelines.dbt.manifest import prepare

        manifest = json.loads(prepare().read_text())
    nodes = manifest["nodes"]

    def table(unique_id: str) -> str | None:
        node = nodes.get(unique_id)
        if not node or node.get("resource_type") != "model" or node.get("schema") not in SCHEMAS:
            return None
        return f"{node['schema']}.{node.get('alias') or node['name']}"

    out = set()
    for node in nodes.values():
        meta = node.get("test_metadata") or {}
        if node.get("resource_type") != "test" or meta.get("name") != "relationships":
            continue
        if (node.get("config") or {}).get("where"):
            continue  # a filtered relationship holds for some rows only: not a key
        kwargs = meta.get("kwargs") or {}
        source = table(node.get("attached_node") or "")
        to = re.fullmatch(r"""ref\(\s*['"](\w+)['"]\s*\)""", str(kwargs.get("to", "")).strip())
        if not source or not to:
            continue
        targets = [t for uid in node["depends_on"]["nodes"] if (t := table(uid)) and t.endswith(f".{to.group(1)}")]
        if len(targets) != 1 or primary.get(targets[0]) != (kwargs.get("field"),):
            continue
        out.add(ForeignKey(source, (kwargs["column_name"],), targets[0], (kwargs["field"],)))
    return sorted(out, key=lambda k: (k.table, k.columns))
