"""The record of the last build (`warehouse/last_build.json`), read only through its schema.

The record is what tells a no-op build from a needed one and a published file from a replaced one:
a truncated or edited record must not pass for one that says "nothing changed" or lose the
published file's checksum, so anything that does not validate is no record at all."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from pipelines import settings


class BuildRecord(BaseModel):
    model_config = ConfigDict(extra="allow", strict=False)

    finished: str
    success: bool
    elapsed: float
    sources: list[tuple[str, str]]
    rows: dict[str, int]
    checks_passed: int
    checks_failed: list[str]
    checks_warned: list[str]
    errors: list[str]
    published: str | None
    versions: dict[str, str | None] | None
    unchanged: bool = False
    scope: str = "everything"
    sources_by_group: dict[str, list[tuple[str, str]]] = {}
    notes: list[str] = []
    published_sha256: str | None


def record_path() -> Path:
    return settings.warehouse_dir() / "last_build.json"


def read_record() -> tuple[dict | None, str | None]:
    """(the record as a dict, None) when it validates; (None, why) when it exists and does not;
    (None, None) when there is none."""
    path = record_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
    try:
        return BuildRecord.model_validate_json(text).model_dump(mode="json"), None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or "the file"
        return None, f"{where}: {err.get('msg', 'invalid')}"[:160]
