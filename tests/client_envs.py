"""Separate Python environments holding other versions of a client library (DuckDB 1.x, the
SQLAlchemy Superset runs), made with uv from PyPI once and kept in a cache folder, so the suite
opens the warehouse the way those clients do without paying for an install on every run."""
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
    base = os.environ.get("KAZMIG_CLIENT_ENVS") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kazmig" / "client-envs"
    return Path(base)


def client_env(*requirements: str) -> Path:
    """The python of an environment with exactly `requirements`, made on first use: built in a
    temporary folder and renamed into place, so an interrupted or concurrent install is never reused."""
    key = hashlib.sha256(json.dumps([sys.version, *requirements]).encode()).hexdigest()[:16]
    env = cache_dir() / key
    python = env / "bin" / "python"
    if python.exists():
        return python
    env.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=env.parent))
    try:
        subprocess.run([str(UV), "venv", "--quiet", "--python", sys.executable, str(tmp)], check=True)
        subprocess.run([str(UV), "pip", "install", "--quiet", "--python", str(tmp / "bin" / "python"), *requirements],
                       check=True)
        (tmp / "requirements.json").write_text(json.dumps(list(requirements)))
        try:
            tmp.rename(env)
        except OSError:  # another session made it first
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return python


def run_json(python: Path, script: Path, *args: str) -> dict:
    proc = subprocess.run([str(python), str(script), *args], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"{python} {script.name} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)
