"""Which inputs the build database was last built from, completely and successfully.

Written only by a build that published; removed by every step that writes the build database
(raw tables, dbt), so after a crash, a failed check or a run from the UI the next `kazmig build`
rebuilds everything rather than trusting tables it did not verify.
"""
from __future__ import annotations

import json
import os

from pipelines import settings


def _path():
    return settings.build_db().parent / "state.json"


def read() -> dict[str, str] | None:
    try:
        return json.loads(_path().read_text())["inputs"]
    except (OSError, ValueError, KeyError):
        return None


def invalidate() -> None:
    try:
        _path().unlink()
    except FileNotFoundError:
        pass


def write(groups: dict[str, str]) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"inputs": groups}, indent=1))
    os.replace(tmp, path)
