"""`kazmig status`: the published file (checked, not assumed), the last build, sources and freshness."""

from __future__ import annotations

from pipelines import settings
from pipelines.outputs.query import WarehouseMissing, connect_published, format_table

_STATUS = {"SUCCESS": "succeeded", "FAILURE": "FAILED", "CANCELED": "canceled", "STARTED": "running now"}


def status_text() -> tuple[str, bool]:
    """(text, healthy): healthy is False when the published file cannot be trusted."""
    from pipelines.warehouse.history import read_history
    from pipelines.warehouse.verify import published_damage

    out = []
    from pipelines.warehouse.record import read_record

    b, bad = read_record()
    # Dagster's history has every run, whoever started it; last_build.json only `kazmig build`'s
    history = read_history()
    run = history.last_run if history else None
    if run is not None and not (b and b.get("run_id") == run.run_id):
        out.append(
            f"last run: {run.when:%Y-%m-%dT%H:%M:%S+00:00} — {_STATUS.get(run.status, run.status.lower())}, "
            f"started by {run.started_by} (job {run.job}, run {run.run_id[:8]})"
            + (f", published {settings.published_db()}" if run.published else ", not published")
        )
        out += [f"  error: {e}" for e in run.errors]
    if b is not None:
        out.append(
            f"last build: {b['finished']} — {'succeeded' if b.get('success') else 'FAILED'} in {b.get('elapsed')} s"
            + (f", published {b['published']}" if b.get("published") else ", not published")
        )
        out += [f"  note: {n}" for n in b.get("notes", [])]
        out += [f"  failing check: {c}" for c in b.get("checks_failed", [])]
        out += [f"  error: {e}" for e in b.get("errors", [])]
    elif run is None or bad:
        out.append("last build: none" + (f" (warehouse/last_build.json cannot be read: {bad})" if bad else ""))
    damage = published_damage()
    if damage:
        out.append(f"published warehouse: DAMAGED — {damage}; run `kazmig build --force` to publish it again")
        return "\n".join(out), False
    try:
        con = connect_published()
    except WarehouseMissing as exc:
        out.append(str(exc))
        return "\n".join(out), True
    try:
        out.append(
            f"published warehouse: {settings.published_db()} (verified: it opens, every table reads"
            + (
                ", and it is the file the last build published)"
                if (b and b.get("published_sha256")) or (history and history.published_sha256)
                else ")"
            )
        )
        cur = con.execute("select * from marts.source_freshness order by 1")
        cols = [d[0] for d in cur.description]
        out += ["", "sources:", format_table(cols, cur.fetchall())]
    finally:
        con.close()
    return "\n".join(out), True
