"""kazmig as a service: the real Dagster daemon and webserver (pipelines/service.py, what `make
service` and `make ui` run), with the automations on by default: a PDF dropped into raw/inbox is
landed, built and published with no click in the UI; `kazmig status` judges the published file by
Dagster's own history and exits 0; SIGTERM stops every process the service started; a port that
is taken is refused in one line."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import home_env, kazmig
from fixtures_pdf import prose_pdf

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(home: Path) -> dict[str, str]:
    return home_env(home)


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        return "Z" not in (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False


# Dagster's run history through its public API: who started each run, and how it ended.
RUNS = """
from dagster import DagsterInstance
instance = DagsterInstance.get()
for r in instance.get_run_records():
    tags = r.dagster_run.tags
    print(tags.get("dagster/sensor_name") or tags.get("kazmig/command", "other"), r.dagster_run.status.value, sep=":")
"""


def test_a_taken_port_is_refused_in_one_line(tmp_path):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.service", "--port", str(port)],
            env=service_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 75, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"kazmig service: cannot serve the UI on 127.0.0.1:{port}: "), line
    assert f"make ui PORT={port + 1}" in line
    assert not (tmp_path / ".dagster").exists()  # no daemon was started


def test_the_daemon_publishes_a_dropped_pdf_and_stops_whole_on_sigterm(built_copy):
    home = built_copy
    published = home / "warehouse" / "kazmig.duckdb"
    before = published.stat().st_mtime_ns
    inbox = home / "raw" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    # dropped before the daemon starts: the sensor's first tick finds it (the next is 30 s later)
    prose_pdf(
        inbox / "dropped_note.pdf",
        [["Численность населения Акмолинской области на 1 июля 2025г. составила 790,1 тыс. человек."]],
    )
    port = free_port()
    service = subprocess.Popen(
        [sys.executable, "-m", "pipelines.service", "--port", str(port)],
        env=service_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # the UI answers
            assert service.poll() is None, service.communicate()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the webserver never answered"
            time.sleep(0.5)
        deadline = time.monotonic() + 420
        status = None
        while time.monotonic() < deadline:  # nobody clicks anything: the sensor's run publishes
            assert service.poll() is None, service.communicate()
            if published.stat().st_mtime_ns != before and not list(inbox.glob("*.pdf")):
                status = kazmig(home, "status", check=False)
                if "succeeded, started by the sensor inbox_sensor" in status.stdout:
                    break
            time.sleep(2)
        assert status is not None and status.returncode == 0, status and status.stdout + status.stderr
        assert "succeeded, started by the sensor inbox_sensor" in status.stdout, status.stdout
        assert "DAMAGED" not in status.stdout
        names = kazmig(home, "query", "select name from raw.documents order by name", "--format", "csv").stdout
        assert "dropped_note.pdf" in names, names

        runs = subprocess.run(
            [sys.executable, "-c", RUNS], env=service_env(home), capture_output=True, text=True, timeout=120
        ).stdout.split()
        # the sensor's run after the build that made the home; the automation sensor saw nothing
        # left to do after it, and no run waits for the warehouse lock
        assert runs == ["inbox_sensor:SUCCESS", "build:SUCCESS"], runs
        started = descendants(service.pid)
        assert len(started) >= 2, started  # the daemon, the webserver and what they run
    finally:
        service.send_signal(signal.SIGTERM)
        out, err = service.communicate(timeout=90)
    assert service.returncode == 0, err
    assert err.strip().splitlines()[-1] == "kazmig service: stopped by SIGTERM", err
    time.sleep(1)
    assert not [pid for pid in started if alive(pid)], "processes left running after SIGTERM"
