"""The dbt project's manifest (sql/target/manifest.json), parsed again only when the project changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines import settings
from pipelines.files import atomic_write, yaml_text

# Plain paths: the no-op check imports this module and must not pay for importing Dagster.
PROJECT_DIR = PROFILES_DIR = settings.SQL_DIR
MODELS_DIR = PROJECT_DIR / "models"
TARGET_DIR = PROJECT_DIR / "target"
MANIFEST = TARGET_DIR / "manifest.json"
_HASH_FILE = TARGET_DIR / ".kazmig_parse_hash"
# The database path every parse sees (never opened: parsing reads no data), whatever the home; its
# stem is the build database's, which dbt writes into every node as the catalogue name.
PARSE_DB = TARGET_DIR / settings.build_db().name
# The dbt variable that names the database the profile opens (sql/profiles.yml).
BUILD_DB_VAR = "kazmig_build_db"
# The dbt variable that sets DuckDB's memory limit in the profile (settings.build_memory_mb()).
MEMORY_LIMIT_VAR = "kazmig_memory_limit"
# The run tag with which `kazmig build` tells the dbt step to skip dbt's unit tests: they test the
# models' SQL on fixed rows, so they pass as in the last successful build while no model's code
# version (which covers its unit tests) changed, as when only documents or bureau files did.
SKIP_UNIT_TESTS_TAG = "kazmig/skip_unit_tests"


def dbt_project():
    """The project as dagster-dbt's DbtProject (for the Dagster definitions)."""
    from dagster_dbt import DbtProject

    return DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROFILES_DIR)


def dbt_executable() -> str:
    # The venv's dbt, whether or not the venv is activated.
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def model_properties(sql: Path) -> dict:
    """A model's entry in the yml beside its SQL (<model>.yml: description, columns, tests)."""
    yml = sql.with_suffix(".yml")
    if not yml.exists():
        raise ValueError(f"{sql}: no {yml.name} beside it")
    doc = yaml_text(yml.read_text(encoding="utf-8")) or {}
    entry = next((m for m in doc.get("models") or [] if m.get("name") == sql.stem), None)
    if entry is None:
        raise ValueError(f"{yml}: no model named {sql.stem!r} under models:")
    return entry


# What dbt reads at the project's top level; anything else there is a tool's (dbt's own `.user.yml`,
# an editor's or a linter's files) and never makes dbt parse again.
_TOP_LEVEL = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml", "selectors.yml")


def project_hash() -> str:
    """The dbt project's files, by content, and the catalogue name dbt writes into every node
    (the build database's file stem): when it changes, the manifest is parsed again. Only when it
    is parsed again can a code version change, and then only by what the manifest defines."""
    h = hashlib.sha256()
    h.update(settings.build_db().stem.encode())
    for path in sorted(PROJECT_DIR.rglob("*")):
        rel = path.relative_to(PROJECT_DIR)
        if (
            path.is_file()
            and (len(rel.parts) > 1 or rel.name in _TOP_LEVEL)
            and rel.parts[0] not in ("target", "logs", "dbt_packages")
            and path.suffix in (".sql", ".yml", ".yaml", ".csv", ".md")
        ):
            h.update(str(rel).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


# Fields of a manifest entry that record when or where dbt parsed it, not what it defines.
_PARSE_STATE = frozenset(("created_at", "root_path"))


def _definition(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in _PARSE_STATE}


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:24]


def code_versions(manifest: dict) -> dict[str, str]:
    """The code version of every model and seed, by dbt's unique id, from what the manifest says
    defines it: dbt's checksum of its file and its parsed properties (config, columns, docs,
    constraints), the sources it reads, the tests and unit tests on it, the project's macros and
    dbt's version.
    Files that tools write beside the project (dbt's `.user.yml`, logs) are not in the manifest,
    and a model edited changes its own version only (Dagster's data versions carry the change
    downstream)."""
    project = manifest["metadata"].get("project_name")
    common = _digest(
        [
            manifest["metadata"].get("dbt_version"),
            {k: _definition(m) for k, m in manifest["macros"].items() if m.get("package_name") == project},
        ]
    )
    children = manifest.get("child_map", {})
    nodes, sources, units = manifest["nodes"], manifest["sources"], manifest.get("unit_tests", {})
    out = {}
    for uid, node in nodes.items():
        if node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        read = sorted(s for s in node["depends_on"].get("nodes", []) if s in sources)
        tests = sorted(t for parent in [uid, *read] for t in children.get(parent, []) if t.startswith("test."))
        parts = [
            common,
            _definition(node),
            [_definition(sources[s]) for s in read],
            [_definition(nodes[t]) for t in tests],
        ]
        # its unit tests too: a build whose models' code is unchanged skips them (pipelines/build.py)
        own = sorted(t for t in children.get(uid, []) if t in units)
        out[uid] = _digest(parts + [[_definition(units[t]) for t in own]] if own else parts)
    return out


def project_code() -> str:
    """One version of the whole dbt project, from the manifest (prepared first): what the no-op
    check compares."""
    manifest = json.loads(prepare().read_text())
    return _digest([sorted(code_versions(manifest).items()), {k: _definition(v) for k, v in manifest["nodes"].items()}])


def prepare() -> Path:
    """Write sql/target/manifest.json with `dbt parse` when the project changed since last time."""
    digest = project_hash()
    if MANIFEST.exists() and _HASH_FILE.exists() and _HASH_FILE.read_text() == digest:
        return MANIFEST
    # The same variables as the in-process parse (pipelines/dbt/run.py), so that dbt's partial
    # parse state written here stays valid there.
    proc = subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            "--no-send-anonymous-usage-stats",
            *["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR)],
            *["--vars", json.dumps({BUILD_DB_VAR: str(PARSE_DB)})],
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {PROJECT_DIR}:\n{proc.stdout}{proc.stderr}")
    with atomic_write(_HASH_FILE) as f:
        f.write(digest)
    return MANIFEST
