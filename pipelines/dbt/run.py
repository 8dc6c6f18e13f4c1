"""dbt in this process, through its programmatic interface (`dbtRunner`): the project parsed once
per build and the parsed manifest handed to `dbt build`, so dbt neither starts a process nor
parses the project a second time.

The parse sees a fixed database path (PARSE_DB), the build the home's build database: dbt's
partial-parse state hashes the profile's connection settings, so with the home's path in the
profile every new home would parse the project from scratch. Parsing does not open the database;
the manifest names the database by its file stem, which is the same for both."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from pipelines import settings
from pipelines.dbt.manifest import BUILD_DB_VAR, MEMORY_LIMIT_VAR, PARSE_DB, PROFILES_DIR, PROJECT_DIR, TARGET_DIR

# No usage statistics (as the Makefile's DBT_SEND_ANONYMOUS_USAGE_STATS): otherwise dbt in this
# process sends them and writes its user id to sql/.user.yml.
_COMMON = [
    "--project-dir",
    str(PROJECT_DIR),
    "--profiles-dir",
    str(PROFILES_DIR),
    "--no-use-colors",
    "--no-send-anonymous-usage-stats",
]


class DbtError(RuntimeError):
    """dbt stopped before it ran the project (a parse or profile error)."""


def _build_db(path: Path, memory: bool = False) -> list[str]:
    """The database the profile opens (sql/profiles.yml), and with `memory` DuckDB's memory limit,
    passed to dbt as variables: never through this process's environment, which other threads
    share. The parse gets no limit (it opens no database; its state hashes the profile)."""
    values = {BUILD_DB_VAR: str(path)}
    if memory:
        values[MEMORY_LIMIT_VAR] = f"{settings.build_memory_mb()}MB"
    return ["--vars", json.dumps(values)]


def _paths(target: Path) -> list[str]:
    return ["--target-path", str(target), "--log-path", str(target)]


def parse(target: Path):
    """The project's manifest (dbt's Manifest object), parsed into `target`. The repository's
    parse state (sql/target, written by `dbt_manifest.prepare`) seeds a new target folder, so a
    home's first build parses only what changed since."""
    from dbt.cli.main import dbtRunner

    target.mkdir(parents=True, exist_ok=True)
    seed, state = TARGET_DIR / "partial_parse.msgpack", target / "partial_parse.msgpack"
    if seed.exists() and (not state.exists() or state.stat().st_mtime < seed.stat().st_mtime):
        shutil.copyfile(seed, state)
    # No manifest.json written here: the build writes it (with run_results.json) once it has run.
    result = dbtRunner().invoke(
        ["parse", "--quiet", "--no-write-json", *_COMMON, *_paths(target), *_build_db(PARSE_DB)]
    )
    if not result.success or result.result is None:
        raise DbtError(f"dbt parse failed in {PROJECT_DIR}: {result.exception or 'see ' + str(target / 'dbt.log')}")
    return result.result


def build(
    manifest,
    target: Path,
    database: Path,
    select: Sequence[str] = (),
    indirect: str | None = None,
    unit_tests: bool = True,
):
    """`dbt build` of the parsed project (or of the nodes selected) into `database`, with or
    without the unit tests; dbt's result (run results in `.result`, `.success`, `.exception`).
    dbt's progress goes to stdout and, at info level, to `target`/dbt.log."""
    args = ["--log-level-file", "info", "--log-format-file", "text"]
    if select:
        args += ["--select", *select]
    if indirect:
        args += ["--indirect-selection", indirect]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    # the profile's keep_open: false closes the database after dbt
    return invoke(manifest, target, database, "build", *args)


def invoke(manifest, target: Path, database: Path, command: str, *args: str):
    """A dbt command on the parsed project, on `database` with the profile as a build gets it
    (DuckDB's memory limit included); dbt's result."""
    from dbt.cli.main import dbtRunner

    options = [*_COMMON, *_paths(target), *_build_db(database, memory=True)]
    return dbtRunner(manifest=manifest).invoke([command, *options, *args])
