"""How names and errors reach a person: one line, control characters shown escaped."""

from __future__ import annotations

import re

# A failed dbt step's Failure description starts so (pipelines/defs/dbt.py); the build's summary
# finds the failed nodes after it (pipelines/build.py).
DBT_FAILED = "dbt build failed:"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shown(text: object) -> str:
    """`text` with newlines, escapes and other control characters written as \\n, \\x1b, … so a
    file name cannot break a line, fake another one, or drive the terminal."""
    s = str(text)
    if not _CONTROL.search(s):
        return s
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), s)


def one_line(text: object, limit: int = 400) -> str:
    """The first line of a message, shown safely, cut to `limit` characters."""
    s = str(text).strip().splitlines()[0] if str(text).strip() else ""
    s = shown(s)
    return s if len(s) <= limit else s[: limit - 1] + "…"


# DuckDB's words when a query needs more than its memory limit (some, as a commit's, do not spill).
_OUT_OF_MEMORY = re.compile(r"Out of Memory Error|could not allocate block", re.IGNORECASE)


def out_of_memory(text: object) -> str | None:
    """When `text` is DuckDB's error for a build that needed more than its memory limit, what to
    do about it (one line); else None."""
    if not _OUT_OF_MEMORY.search(str(text)):
        return None
    from pipelines import settings

    return (
        f"DuckDB needed more than its memory limit, {settings.build_memory_mb()} MB for dbt and half "
        "that to publish (KAZMIG_BUILD_MEMORY_MB): set it higher and build again"
    )


_FULL = re.compile(r"No space left on device|\[Errno 28\]|database or disk is full|disk I/O error", re.IGNORECASE)


def no_space(text: object, *extra: object) -> str | None:
    """When `text` is a full disk's error (an OSError, DuckDB's or SQLite's words for it), where:
    "no space left on <mount> (...)", naming the fullest of the file systems kazmig writes to
    (KAZMIG_HOME's warehouse, Dagster's storage, `extra` paths); else None. SQLite's "disk I/O
    error" counts only when that file system is in fact (nearly) full."""
    import os
    import shutil
    from pathlib import Path

    from pipelines import settings

    m = _FULL.search(str(text))
    if not m:
        return None
    places = [settings.warehouse_dir(), settings.dagster_home()]
    places += [Path(str(p)) for p in extra if p]
    best = None
    for place in places:
        while not place.exists() and place != place.parent:
            place = place.parent
        try:
            free = shutil.disk_usage(place).free
        except OSError:
            continue
        if best is None or free < best[1]:
            best = (place, free)
    if best is None or (m.group(0).lower() == "disk i/o error" and best[1] > 4 << 20):
        return None
    mount = best[0].resolve()
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    return (
        f"no space left on {shown(mount)} (it holds {shown(best[0])}; {best[1] // 1024} KB free now); free some "
        "space and run again (the published warehouse and the landed files are unchanged)"
    )
