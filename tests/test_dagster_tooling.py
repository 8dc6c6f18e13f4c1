"""Dagster's own tooling works from the repository root as its users run it: no DAGSTER_HOME,
no KAZMIG_HOME, the venv not activated."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import BIN, REPO

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


@pytest.mark.parametrize("command", [["dagster", "definitions", "validate"], ["dg", "check", "defs"]])
def test_definitions_validate_from_the_repository_root(command):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "KAZMIG_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != str(BIN))
    proc = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Warning" not in out.replace("SupersessionWarning", ""), out  # dagster's own note on the old command
    assert not list(REPO.glob(".tmp_dagster_home_*"))
