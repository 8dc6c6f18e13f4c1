"""The dbt project's manifest, prepared before the Dagster definitions load (never at import)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines import settings

# Plain paths: the dbt worker imports this module and must not pay for importing Dagster.
PROJECT_DIR = PROFILES_DIR = settings.SQL_DIR
TARGET_DIR = PROJECT_DIR / "target"
MANIFEST = TARGET_DIR / "manifest.json"
_HASH_FILE = TARGET_DIR / ".kazmig_parse_hash"


def dbt_project():
    """The project as dagster-dbt's DbtProject (for the Dagster definitions)."""
    from dagster_dbt import DbtProject

    return DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROFILES_DIR)


def parsed_manifest_path() -> Path:
    """dbt's own serialisation of the parsed project (its partial-parse file): the build runs dbt
    on it directly instead of parsing again (pipelines/dbt_runner.py)."""
    return TARGET_DIR / "partial_parse.msgpack"


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
    root = PROJECT_DIR
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
    manifest = MANIFEST
    if (manifest.exists() and parsed_manifest_path().exists() and _HASH_FILE.exists()
            and _HASH_FILE.read_text() == digest):
        return manifest
    proc = subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--project-dir", str(PROJECT_DIR),
         "--profiles-dir", str(PROFILES_DIR)],
        env=dbt_env(), capture_output=True, text=True, cwd=PROJECT_DIR,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {PROJECT_DIR}:\n{proc.stdout}{proc.stderr}")
    _HASH_FILE.write_text(digest)
    return manifest
