"""raw/inbox: PDFs dropped by people land in raw/documents, or go to raw/quarantine with the reason.

A PDF lands as raw/documents/<sha256>.pdf with a sidecar <sha256>.json (name, sha256, size,
landed_at) once the extractor has read it; content addressing makes a re-dropped file a no-op.
A file that cannot land (not a regular file, too large, unreadable to the extractor) is moved to
raw/quarantine/ under its own name with <name>.reason.txt beside it, so it never blocks a later
build and nothing is lost: fix or replace it and drop it into the inbox again.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pipelines import settings
from pipelines.files import atomic_write, not_regular, sha256_file
from pipelines.messages import shown

MAX_BYTES = 200 * 1024 * 1024


def quarantine_dir() -> Path:
    return settings.raw_dir() / "quarantine"


def max_bytes() -> int:
    return settings.env().max_document_bytes or MAX_BYTES


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    n = 2
    while target.exists() or target.is_symlink() or target.with_name(target.name + ".reason.txt").exists():
        stem, dot, ext = name.rpartition(".")
        target = folder / (f"{stem} ({n}).{ext}" if dot else f"{name} ({n})")
        n += 1
    return target


def quarantine(src: Path, reason: str, digest: str | None = None) -> Path:
    """Move `src` (a file or a symlink, as it is) into raw/quarantine with the reason beside it."""
    folder = quarantine_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, src.name)
    os.replace(src, target)  # same file system (both under raw/): the link itself moves, not its target
    with atomic_write(target.with_name(target.name + ".reason.txt"), encoding="utf-8") as f:
        f.write(
            f"file: {shown(src.name)}\n"
            f"quarantined: {datetime.now(UTC).isoformat(timespec='seconds')}\n"
            + (f"sha256: {digest}\n" if digest else "")
            + f"reason: {shown(reason)}\n"
            "what to do: fix or replace the file and drop it into raw/inbox again; "
            "delete both files here to forget it\n"
        )
    return target


def land_inbox(check: Callable[[Path], str | None]) -> tuple[list[dict], list[dict]]:
    """(landed, quarantined): each PDF of raw/inbox is landed in raw/documents once `check`
    (the extractor) accepts the landed copy; `check` returns the reason it cannot be read, or None."""
    inbox, docs = settings.inbox_dir(), settings.documents_dir()
    landed: list[dict] = []
    refused: list[dict] = []
    if not inbox.is_dir():
        return landed, refused
    docs.mkdir(parents=True, exist_ok=True)
    for leftover in docs.glob(".*.tmp"):  # a copy cut short by a killed landing (writers hold the lock)
        leftover.unlink(missing_ok=True)
    for src in sorted(inbox.iterdir()):
        if src.name.startswith(".") or src.suffix.lower() != ".pdf":
            continue
        problem = not_regular(src)
        digest = None
        if problem is None and src.stat().st_size > max_bytes():
            problem = f"{src.stat().st_size} bytes, over the cap of {max_bytes()} bytes"
        target, new = None, False
        if problem is None:
            digest = sha256_file(src)
            target = docs / f"{digest}.pdf"
            new = not target.exists()
            if new:
                tmp = docs / f".{digest}.tmp"
                shutil.copyfile(src, tmp)
                os.replace(tmp, target)
                problem = check(target)
                if problem is not None:
                    target.unlink(missing_ok=True)
                    target = None
        if problem is not None:
            moved = quarantine(src, problem, digest)
            refused.append({"name": src.name, "reason": problem, "quarantined": moved.name})
            continue
        side = docs / f"{digest}.json"
        if new:
            meta = {
                "name": src.name,
                "sha256": digest,
                "size": target.stat().st_size,
                "landed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            with atomic_write(side, encoding="utf-8") as f:
                json.dump(meta, f, ensure_ascii=False, indent=1)
            landed.append(meta)
        src.unlink()
    return landed, refused
