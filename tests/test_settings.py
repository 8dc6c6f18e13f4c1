"""Every KAZMIG_* variable is read in pipelines/settings.py and nowhere else; nothing else reads
or writes the environment except where a library or a child process needs it (listed below)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import settings

ROOT = Path(__file__).resolve().parent.parent
_ENVIRON = re.compile(r"\bos\.(environ|getenv|putenv|unsetenv)\b")

# The places outside settings.py that touch os.environ, and why; a new one fails the test.
ALLOWED = {
    # Dagster's DagsterInstance.get() reads DAGSTER_HOME from the environment: set around it.
    "pipelines/warehouse/history.py": 4,
    "pipelines/build.py": 1,
    # The Makefile's HOST and PORT; the environment of the daemon and webserver processes.
    "pipelines/service.py": 3,
}


def test_the_environment_is_read_in_settings_only():
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "pipelines").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "pipelines/settings.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _ENVIRON.search(line) and not line.lstrip().startswith("#"):
                found.setdefault(rel, []).append(f"{rel}:{number}: {line.strip()}")
    extra = [
        line for rel, lines in found.items() if len(lines) > ALLOWED.get(rel, 0) for line in lines
    ]  # a file over its allowance: all its lines, to see which is new
    assert not extra, "read KAZMIG_* variables through pipelines/settings.py (env()):\n" + "\n".join(extra)


def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch):
    monkeypatch.setenv("KAZMIG_QUERY_MAX_ROWS", "many")
    with pytest.raises(ValueError) as e:
        settings.env()
    assert str(e.value).startswith("KAZMIG_QUERY_MAX_ROWS='many': ") and "\n" not in str(e.value)


def test_values_are_read_now_and_empty_is_unset(monkeypatch, tmp_path):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path))
    monkeypatch.setenv("KAZMIG_BNS_RETRIES", "")
    monkeypatch.setenv("KAZMIG_OFFLINE", "yes")
    assert settings.home() == tmp_path.resolve()
    assert settings.env().bns_retries is None and settings.env().offline is True
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "other"))
    assert settings.home() == (tmp_path / "other").resolve()


def test_the_cli_says_a_bad_value_in_one_line(tmp_path):
    env = {**os.environ, "KAZMIG_HOME": str(tmp_path), "KAZMIG_QUERY_MAX_ROWS": "many"}
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("kazmig")), "status"], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("kazmig status: KAZMIG_QUERY_MAX_ROWS='many': ") and proc.stderr.count("\n") == 1
