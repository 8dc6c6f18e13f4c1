"""What a build's outputs are a function of, hashed by group: when nothing changed, nothing
reruns; when only documents or only bureau files changed, only what depends on them reruns."""
from __future__ import annotations

import hashlib
import json
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


def _landed(h, *roots: Path) -> None:
    # by name, size and modification time (bureau files are named by their sha256 already)
    for root in roots:
        for path in _walk(root):
            st = path.lstat()  # a dangling symlink is reported by the step that reads it
            h.update(f"{path.relative_to(settings.raw_dir())}:{st.st_size}:{st.st_mtime_ns}".encode())


def input_groups() -> dict[str, str]:
    """One hash per group of inputs:
    code — the pipeline code and the dbt project, by content, and today's date (source freshness
    is judged against the calendar); documents — raw/documents and the inbox; bureau — the landed
    bureau files and the catalogue in use."""
    code, documents, bureau = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()
    for root in (settings.REPO_ROOT / "pipelines", settings.SQL_DIR):
        for path in _walk(root):
            if path.suffix in _CODE_SUFFIXES:
                code.update(str(path.relative_to(settings.REPO_ROOT)).encode())
                code.update(path.read_bytes())
    code.update(datetime.now(timezone.utc).date().isoformat().encode())
    _landed(documents, settings.documents_dir(), settings.inbox_dir())
    _landed(bureau, settings.bns_dir())
    catalogue = os.environ.get("KAZMIG_CATALOGUE")
    if catalogue and Path(catalogue).is_file():
        bureau.update(Path(catalogue).read_bytes())
    return {"code": code.hexdigest(), "documents": documents.hexdigest(), "bureau": bureau.hexdigest()}


def inputs_fingerprint(groups: dict[str, str] | None = None) -> str:
    groups = groups or input_groups()
    return hashlib.sha256(json.dumps(groups, sort_keys=True).encode()).hexdigest()
