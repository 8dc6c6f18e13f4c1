"""`kazmig status`: sources and their freshness, the last build, failing checks."""
from __future__ import annotations

import json

from pipelines import settings
from pipelines.outputs.query import WarehouseMissing, connect_published, format_table


def status_text() -> str:
    out = []
    last = settings.warehouse_dir() / "last_build.json"
    if last.exists():
        b = json.loads(last.read_text())
        out.append(f"last build: {b['finished']} — {'succeeded' if b['success'] else 'FAILED'} in {b['elapsed']} s"
                   + (f", published {b['published']}" if b.get("published") else ", not published"))
        out += [f"  failing check: {c}" for c in b.get("checks_failed", [])]
        out += [f"  error: {e}" for e in b.get("errors", [])]
    else:
        out.append("last build: none")
    try:
        con = connect_published()
    except WarehouseMissing as exc:
        out.append(str(exc))
        return "\n".join(out)
    try:
        cur = con.execute("select * from marts.source_freshness order by 1")
        cols = [d[0] for d in cur.description]
        out += ["", "sources:", format_table(cols, cur.fetchall())]
    finally:
        con.close()
    return "\n".join(out)
