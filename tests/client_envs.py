"""Separate environments holding other versions of a client library (DuckDB 1.x, the SQLAlchemy
Superset runs, Node's @duckdb/node-api), made once from PyPI (uv) or npm and kept in a cache
folder, so the suite opens the warehouse the way those clients do without an install per run."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

UV = Path(sys.executable).parent / "uv"


def cache_dir() -> Path:
    base = (
        os.environ.get("KAZMIG_CLIENT_ENVS")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kazmig" / "client-envs"
    )
    return Path(base)


def _cached(key_parts: list[str], ready: str, install) -> Path:
    """cache_dir()/<key>, made on first use by install(folder): built in a temporary folder and
    renamed into place, so an interrupted or concurrent install is never reused."""
    key = hashlib.sha256(json.dumps(key_parts).encode()).hexdigest()[:16]
    env = cache_dir() / key
    if (env / ready).exists():
        return env
    env.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=env.parent))
    try:
        install(tmp)
        (tmp / "requirements.json").write_text(json.dumps(key_parts))
        try:
            tmp.rename(env)
        except OSError:  # another session made it first
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return env


def client_env(*requirements: str) -> Path:
    """The python of a virtual environment with exactly `requirements` (PyPI, through uv)."""

    def install(folder: Path) -> None:
        subprocess.run([str(UV), "venv", "--quiet", "--python", sys.executable, str(folder)], check=True)
        subprocess.run(
            [str(UV), "pip", "install", "--quiet", "--python", str(folder / "bin" / "python"), *requirements],
            check=True,
        )

    return _cached([sys.version, *requirements], "bin/python", install) / "bin" / "python"


def node_env(*packages: str) -> Path:
    """The node_modules folder of an npm install of `packages` (for NODE_PATH)."""

    def install(folder: Path) -> None:
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), *packages],
            check=True,
            timeout=600,
        )

    return _cached(["npm", *packages], "node_modules", install) / "node_modules"


def run_json(interpreter: Path | str, script: Path, *args: str, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [str(interpreter), str(script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode != 0:
        raise AssertionError(f"{interpreter} {script.name} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)
