"""The dbt project's manifest (sql/target/manifest.json), parsed again only when the project changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines import settings
from pipelines.files import atomic_write

# Plain paths: the no-op check imports this module and must not pay for importing Dagster.
PROJECT_DIR = PROFILES_DIR = settings.SQL_DIR
TARGET_DIR = PROJECT_DIR / "target"
MANIFEST = TARGET_DIR / "manifest.json"
_HASH_FILE = TARGET_DIR / ".kazmig_parse_hash"
# The database path every parse sees (never opened: parsing reads no data), whatever the home; its
# stem is the build database's, which dbt writes into every node as the catalogue name.
PARSE_DB = TARGET_DIR / settings.build_db().name


def dbt_project():
    """The project as dagster-dbt's DbtProject (for the Dagster definitions)."""
    from dagster_dbt import DbtProject

    return DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROFILES_DIR)


def dbt_executable() -> str:
    # The venv's dbt, whether or not the venv is activated.
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def project_hash() -> str:
    """The dbt project's files, by content, and the catalogue name dbt writes into every node
    (the build database's file stem)."""
    h = hashlib.sha256()
    h.update(settings.build_db().stem.encode())
    for path in sorted(PROJECT_DIR.rglob("*")):
        rel = path.relative_to(PROJECT_DIR)
        if (
            path.is_file()
            and rel.parts[0] not in ("target", "logs", "dbt_packages")
            and path.suffix in (".sql", ".yml", ".yaml", ".csv", ".md")
        ):
            h.update(str(rel).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def prepare() -> Path:
    """Write sql/target/manifest.json with `dbt parse` when the project changed since last time."""
    digest = project_hash()
    if MANIFEST.exists() and _HASH_FILE.exists() and _HASH_FILE.read_text() == digest:
        return MANIFEST
    env = {**os.environ, "KAZMIG_BUILD_DB": str(PARSE_DB), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR)],
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {PROJECT_DIR}:\n{proc.stdout}{proc.stderr}")
    with atomic_write(_HASH_FILE) as f:
        f.write(digest)
    return MANIFEST
