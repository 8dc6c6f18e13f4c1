"""What a build's outputs are a function of, hashed: when nothing changed, nothing reruns."""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path

from pipelines import settings

_CODE_SUFFIXES = {".py", ".yaml", ".yml", ".sql", ".csv", ".md"}
_SKIP_DIRS = {"__pycache__", "target", "logs", "dbt_packages"}


def _walk(root: Path):
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            yield Path(dirpath) / name


def inputs_fingerprint() -> str:
    """Code and models by content; landed files by name, size and modification time (bureau
    files are named by their sha256 already); the catalogue in use; and today's date, since
    source freshness is judged against the calendar."""
    h = hashlib.sha256()
    for root in (settings.REPO_ROOT / "pipelines", settings.SQL_DIR):
        for path in _walk(root):
            if path.suffix in _CODE_SUFFIXES:
                h.update(str(path.relative_to(settings.REPO_ROOT)).encode())
                h.update(path.read_bytes())
    for root in (settings.documents_dir(), settings.bns_dir(), settings.inbox_dir()):
        for path in _walk(root):
            st = path.stat()
            h.update(f"{path.relative_to(settings.raw_dir())}:{st.st_size}:{st.st_mtime_ns}".encode())
    catalogue = os.environ.get("KAZMIG_CATALOGUE")
    if catalogue and Path(catalogue).is_file():
        h.update(Path(catalogue).read_bytes())
    h.update(datetime.now(timezone.utc).date().isoformat().encode())
    return h.hexdigest()
