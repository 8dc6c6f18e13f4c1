"""The dbt project's manifest, prepared before the Dagster definitions load (never at import)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines import settings

project = DbtProject(project_dir=settings.SQL_DIR, profiles_dir=settings.SQL_DIR)
_HASH_FILE = Path(project.project_dir) / "target" / ".kazmig_parse_hash"


def parsed_manifest_path() -> Path:
    """dbt's own serialisation of the parsed project (its partial-parse file): the build runs dbt
    on it directly instead of parsing again (pipelines/dbt_runner.py)."""
    return Path(project.project_dir) / "target" / "partial_parse.msgpack"


def dbt_executable() -> str:
    # The venv's dbt, whether or not the venv is activated.
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def dbt_env() -> dict[str, str]:
    return {**os.environ, "KAZMIG_BUILD_DB": str(settings.build_db()), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def _project_hash() -> str:
    h = hashlib.sha256()
    # dbt writes the catalogue name (the build database's file stem) into every parsed node
    h.update(settings.build_db().stem.encode())
    root = Path(project.project_dir)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] not in ("target", "logs", "dbt_packages") and path.suffix in (".sql", ".yml", ".yaml", ".csv", ".md"):
            h.update(str(rel).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def prepare() -> Path:
    """Write sql/target/manifest.json with `dbt parse` when the project changed since last time.

    Runs before the definitions are loaded (kazmig build, make ui, tests), never at import.
    """
    digest = _project_hash()
    manifest = Path(project.manifest_path)
    if (manifest.exists() and parsed_manifest_path().exists() and _HASH_FILE.exists()
            and _HASH_FILE.read_text() == digest):
        return manifest
    proc = subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--project-dir", str(project.project_dir),
         "--profiles-dir", str(project.profiles_dir)],
        env=dbt_env(), capture_output=True, text=True, cwd=project.project_dir,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {project.project_dir}:\n{proc.stdout}{proc.stderr}")
    _HASH_FILE.write_text(digest)
    return manifest
