"""An analyst's decisions on extracted figures: accept, reject or fix.

Decisions live in `raw/documents/corrections.yaml`, one entry per figure, keyed by the
document's sha256 (or file name) and the figure's key: its page and a hash of the words around
the number (or of the table cell's row and column), which a newer extractor version gives the
same figure again. The build applies them after extraction; the original stays beside the
correction, with who decided what and when.

    corrections:
      - document: labour_migration_note.pdf      # or the sha256
        key: p3:1f0c9a2b7d4e
        action: fix                              # accept | reject | fix | pending
        set: {period: "2024-01/2024-06"}         # fix: the fields to change
        by: A. Analyst
        at: 2026-11-30
        note: the heading dates the section
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipelines.files import yaml_text

from .figure import UNITS

FILE_NAME = "corrections.yaml"
FIXABLE = ("indicator", "value", "period", "region", "country", "occupation")


class CorrectionError(Exception):
    """A corrections file that cannot be applied; the message names the file and the entry."""


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str
    key: str
    action: Literal["accept", "reject", "fix", "pending"]
    set: dict[str, str | int | float | None] = Field(default_factory=dict)
    by: str | None = None
    at: dt.date | dt.datetime | str | None = None
    note: str | None = None
    figure: dict | None = None  # the figure as extracted, written by `kazmig review` for reading

    @field_validator("set")
    @classmethod
    def _fields(cls, v: dict) -> dict:
        bad = [k for k in v if k not in FIXABLE]
        if bad:
            raise ValueError(f"cannot set {', '.join(bad)} (only {', '.join(FIXABLE)})")
        if "indicator" in v and v["indicator"] not in UNITS:
            raise ValueError(f"unknown indicator {v['indicator']!r}")
        return v


def path_in(documents_dir: Path) -> Path:
    return Path(documents_dir) / FILE_NAME


def load(path: Path) -> list[Correction]:
    """Every entry of a corrections file; a missing file is no corrections."""
    if not path.exists():
        return []
    try:
        data = yaml_text(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as e:
        raise CorrectionError(f"{path.name}: cannot read ({e})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise CorrectionError(f"{path.name}{where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    entries = data.get("corrections") if isinstance(data, dict) else None
    if entries is None:
        entries = [] if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise CorrectionError(f"{path.name}: expected a list under 'corrections'")
    out = []
    for i, entry in enumerate(entries, start=1):
        try:
            out.append(Correction.model_validate(entry))
        except ValidationError as e:
            err = e.errors()[0]
            field = ".".join(str(x) for x in err["loc"]) or "entry"
            raise CorrectionError(f"{path.name}, entry {i} ({field}): {err['msg']}") from None
    seen: dict[tuple[str, str], int] = {}
    for i, c in enumerate(out, start=1):
        if (c.document, c.key) in seen and c.action != "pending":
            raise CorrectionError(
                f"{path.name}, entry {i}: figure {c.key} of {c.document} is already decided in entry "
                f"{seen[(c.document, c.key)]}"
            )
        if c.action != "pending":
            seen[(c.document, c.key)] = i
        if c.action == "fix" and not c.set:
            raise CorrectionError(f"{path.name}, entry {i}: action fix needs the fields to change under 'set'")
    return out


def apply(figures: list[dict], doc: dict, corrections: list[Correction]) -> list[dict]:
    """The document's figures with the decisions about them applied (dicts, as the asset
    stores them). Each corrected figure keeps its extracted form in `original`."""
    mine = {c.key: c for c in corrections if c.action != "pending" and c.document in (doc["sha256"], doc["name"])}
    out = []
    for f in figures:
        c = mine.get(f["key"])
        f = dict(f)
        f.setdefault("correction_action", None)
        if c is None:
            out.append(f)
            continue
        f["original"] = json.dumps({k: f[k] for k in (*FIXABLE, "status", "confidence")}, ensure_ascii=False)
        f["correction_action"] = c.action
        f["corrected_by"] = c.by
        f["corrected_at"] = str(c.at) if c.at is not None else None
        f["correction_note"] = c.note
        if c.action == "reject":
            f["status"] = "rejected"
        else:
            for k, v in c.set.items():
                f[k] = float(v) if k == "value" and v is not None else v
            if "indicator" in c.set:
                f["unit"] = UNITS[c.set["indicator"]]
            f["status"] = "fact"
        out.append(f)
    return out


def template_entries(doc: dict, figures: list[dict], decided: set[tuple[str, str]]) -> list[dict]:
    """Entries for the figures that wait for review and nobody has decided yet."""
    out = []
    for f in figures:
        if f["status"] != "review" or (doc["sha256"], f["key"]) in decided or (doc["name"], f["key"]) in decided:
            continue
        out.append(
            {
                "document": doc["name"],
                "key": f["key"],
                "action": "pending",
                "set": {},
                "figure": {k: f[k] for k in (*FIXABLE, "page", "confidence")}
                | {"text": f["text"][:160], "how": f.get("how")},
            }
        )
    return out


def write_template(path: Path, entries: list[dict]) -> int:
    """Append undecided entries to the corrections file (existing decisions are kept as they are)."""
    from pipelines.files import atomic_write

    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if not entries:
        return 0
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=110)
    if not existing.strip():
        text = (
            "# Decisions on extracted figures. For each entry set action to accept, reject or fix\n"
            "# (fix: put the corrected fields under set), and add by/at/note. Entries left\n"
            "# 'pending' change nothing. The build applies this file; see README, 'Review'.\n"
            "corrections:\n"
        )
        text += "\n".join("  " + ln if ln else ln for ln in body.splitlines()) + "\n"
    else:
        text = existing.rstrip("\n") + "\n" + "\n".join("  " + ln if ln else ln for ln in body.splitlines()) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, encoding="utf-8") as fh:
        fh.write(text)
    return len(entries)
