"""Faults and concurrency with real processes: `kill -9` in the middle of a build, two builds at
once, readers querying the published file while a real build publishes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from conftest import BIN, NOTE, copy_home, home_env
from fixtures_pdf import prose_pdf

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


def env_for(home: Path) -> dict[str, str]:
    return home_env(home, clean=True)


def build(home: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "kazmig"), "build", "--offline", "--force"],
        env=env_for(home),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_build(home: Path, log: Path) -> subprocess.Popen:
    """A build of what changed (a document added): it takes the lock and publishes like a full one."""
    f = open(log, "wb")
    return subprocess.Popen(
        [str(BIN / "kazmig"), "build", "--offline"], env=env_for(home), stdout=f, stderr=subprocess.STDOUT
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live descendant of pid, from /proc."""
    parent: dict[int, int] = {}
    cmd: dict[int, str] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            parent[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            cmd[int(d.name)] = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c, pp in parent.items():
            if pp == p:
                out.append((c, cmd[c]))
                todo.append(c)
    return out


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = predicate()
        if got:
            return got
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the build ended (exit {proc.returncode}) before {what}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def ru_2024(db: Path) -> float:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select emigrants from marts.emigration_by_destination where country_code = 'RU' and year = 2024"
        ).fetchall()[0][0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def home(tmp_path_factory, built_home):
    """A home with the note (and the shared bureau files), built and published once: a copy of
    the session's built home rather than a cold build of its own (~30 s)."""
    return copy_home(built_home, tmp_path_factory.mktemp("faults"))


@pytest.fixture(scope="module")
def ru_expected() -> float:
    from pipelines.sources.documents.extract import extract_figures

    [fig] = [
        f
        for f in extract_figures(NOTE)
        if f.indicator == "labour_emigration" and f.country == "RU" and f.period == "2024"
    ]
    return fig.value


READER = textwrap.dedent("""
    import json, os, sys, time
    import duckdb
    path, stop = sys.argv[1], sys.argv[2]
    seen, errors, end = {}, [], time.monotonic() + 300
    while not os.path.exists(stop) and time.monotonic() < end:
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                n = con.execute("select count(*) from marts.note_claims").fetchall()[0][0]
            finally:
                con.close()
            seen[str(n)] = seen.get(str(n), 0) + 1
        except Exception as exc:
            errors.append(repr(exc)[:300])
        time.sleep(0.005)
    print(json.dumps({"seen": seen, "errors": errors[:5], "n_errors": len(errors)}))
""")


def test_second_build_refuses_while_readers_see_old_or_new(home, tmp_path, ru_expected):
    target = home / "warehouse" / "kazmig.duckdb"
    con = duckdb.connect(str(target), read_only=True)
    old = con.execute("select count(*) from marts.note_claims").fetchall()[0][0]
    con.close()
    # one more document: the new warehouse has one more claim than the old one
    prose_pdf(
        home / "raw" / "documents" / "extra_note.pdf",
        [["Численность населения Акмолинской области на 1 июля 2025г. составила 790,1 тыс. человек."]],
    )

    script, stop = tmp_path / "reader.py", tmp_path / "stop"
    script.write_text(READER)
    reader = subprocess.Popen([sys.executable, str(script), str(target), str(stop)], stdout=subprocess.PIPE, text=True)
    first = start_build(home, tmp_path / "first.log")
    try:
        lock = home / "warehouse" / "build" / ".lock"
        wait_for(
            lambda: lock.exists() and lock.read_text().split(" ")[0] == str(first.pid),
            120,
            "the first build to take the lock",
            first,
        )
        second = build(home, timeout=120)
        assert second.returncode == 75, second.stdout + second.stderr
        assert (
            "another kazmig process is writing" in second.stderr and f"pid {first.pid}, kazmig build" in second.stderr
        )
        assert first.wait(timeout=600) == 0, (tmp_path / "first.log").read_text()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        time.sleep(0.5)  # a few reads of the new file
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    result = json.loads(out)
    assert result["n_errors"] == 0, result["errors"]
    assert set(result["seen"]) <= {str(old), str(old + 1)}, result
    assert str(old + 1) in result["seen"], result  # the reader saw the publication happen
    assert "kazmig build succeeded" in (tmp_path / "first.log").read_text()
    assert ru_2024(target) == ru_expected


@pytest.mark.parametrize("how", ["kazmig-while-dbt-runs", "process-group-after-3s"])
def test_kill_9_mid_build_then_rebuild(home, tmp_path, ru_expected, how):
    target = home / "warehouse" / "kazmig.duckdb"
    before = sha(target)
    build_log = home / ".dbt" / "dbt.log"
    seen = build_log.stat().st_size if build_log.exists() else 0  # dbt appends: earlier builds' lines
    log = tmp_path / "killed.log"
    f = open(log, "wb")
    proc = subprocess.Popen(
        [str(BIN / "kazmig"), "build", "--offline", "--force"],
        env=env_for(home),
        stdout=f,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    orphans: list[int] = []
    try:
        if how == "kazmig-while-dbt-runs":
            # the Dagster run has reached dbt (its log names the models it starts);
            # kill kazmig alone, as an OOM killer would, with any child it may have
            wait_for(
                lambda: build_log.exists() and " START " in build_log.read_bytes()[seen:].decode(errors="replace"),
                180,
                "dbt to start a model",
                proc,
            )
            orphans = [p for p, _ in descendants(proc.pid)]
            time.sleep(1.0)
            os.kill(proc.pid, signal.SIGKILL)
        else:
            time.sleep(3.0)
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        # nothing was published; readers still get the previous warehouse
        assert sha(target) == before
        assert ru_2024(target) == ru_expected

        again = build(home)
        out = again.stdout + again.stderr
        assert again.returncode == 0, out + "\n" + log.read_text(errors="replace")[-3000:]
        assert "kazmig build succeeded" in again.stdout
    finally:
        f.close()
        for pid in [proc.pid, *orphans]:  # only what this test started
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    assert ru_2024(target) == ru_expected
    left = [p.name for p in target.parent.iterdir() if p.name.startswith(".") or p.suffix in (".tmp", ".wal")]
    assert left == [], left
    status = json.loads((home / "warehouse" / "last_build.json").read_text())
    assert status["success"] is True and status["published"] == str(target)
