"""Is the state a build relies on what it should be? The build database is scratch, rebuilt when it
cannot be read; the published file must be what the last build published, or people are told."""

from __future__ import annotations

import os

from pipelines import settings
from pipelines.files import sha256_file


def unreadable(path) -> str | None:
    """Why the DuckDB file at `path` cannot be relied on (None when it opens and its catalogue and
    tables read back): a truncated or overwritten file fails here, not half-way through a build."""
    if not os.path.exists(path):
        return None
    import duckdb  # not on the no-op path, which only hashes the published file

    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
            ).fetchall():
                con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()
        finally:
            con.close()
    except duckdb.Error as e:
        return str(e).splitlines()[0] if str(e) else type(e).__name__
    return None


def reset_build_db() -> str | None:
    """The build database is scratch: when it cannot be read, remove it (and its WAL) so this build
    starts from nothing (with the database gone, everything is rebuilt). Returns the reason, for
    the summary."""
    path = settings.build_db()
    why = unreadable(path)
    if why is None:
        return None
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
    return why


def published_damage() -> str | None:
    """What is wrong with the published file (None when it is what the last build published, or
    nothing was published): `kazmig status` and the no-op check tell the truth about it."""
    published = settings.published_db()
    if not published.exists():
        return None
    from pipelines.warehouse.record import read_record

    record, bad = read_record()
    recorded = (record or {}).get("published_sha256")
    if bad or (record is not None and not recorded):
        # Without the checksum a replaced file would pass for the published one: not verifiable.
        why = f"cannot be read ({bad})" if bad else "has no checksum of the published file"
        return (
            f"the published warehouse {published} cannot be verified: the record of the last build "
            f"warehouse/last_build.json {why}"
        )
    if recorded:  # the bytes the last build published: readable as they were verified then
        actual = sha256_file(published)
        if recorded == actual:
            return None
        # a run the CLI did not start (the UI, the inbox sensor, the schedule) may have published
        # since: Dagster's history holds what the last publication published
        from pipelines.warehouse.history import read_history

        history = read_history(with_errors=False)
        if history is not None and history.published_sha256 == actual:
            return None
        why = unreadable(published)
        return (
            f"the published warehouse {published} cannot be read ({why})"
            if why
            else f"the published warehouse {published} is not the file the last build published "
            "(changed or truncated since)"
        )
    why = unreadable(published)
    if why:
        return f"the published warehouse {published} cannot be read ({why})"
    return None


def build_db_holder() -> str | None:
    """When another process holds the build database open (a DuckDB client pointed at
    warehouse/build/ rather than the published file), one line saying who and what to do: every
    step that writes would fail otherwise, each with DuckDB's own two lines."""
    path = settings.build_db()
    if not path.exists():
        return None
    import re

    import duckdb

    try:
        duckdb.connect(str(path)).close()
    except duckdb.IOException as e:
        text = str(e)
        if "lock" not in text.lower():
            return None
        m = re.search(r"held in (.+?) \(PID (\d+)\)", text)
        who = f"process {m[2]} ({m[1]})" if m else "another process"
        return (
            f"the build database {path} is held open by {who}; close that program (or point it at the "
            f"published warehouse {settings.published_db()}, which builds never lock) and run again"
        )
    return None
