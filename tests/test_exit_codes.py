"""Exit codes a cron job or a monitor can act on (README, "Commands"): 3 when nothing could be
fetched, 141 and silence when the reader of the output goes away, 130 and one line saying
"interrupted" when Ctrl-C stops a build, whatever Dagster's helper processes and dbt's threads
were doing at that moment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN, home_env, kazmig

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


def env_of(home: Path) -> dict[str, str]:
    return home_env(home)


def test_fetch_with_the_bureau_unreachable_exits_3(tmp_path):
    proc = kazmig(tmp_path, "fetch", check=False)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "offline: 4" in proc.stdout


# in the order of `kazmig --help`
COMMANDS = ["build", "prepare", "extract", "eval", "review", "fetch", "query", "export", "serve", "status", "report"]
COMMANDS += ["note", "docs"]


def test_help_lists_every_command_and_a_usage_error_is_one_line_exiting_2(tmp_path, capsys):
    listed = kazmig(tmp_path, "--help").stdout.split("Commands:")[1].split("\n\n")[0].splitlines()
    heads = [line.split() for line in listed if line[:2] == "  " and line[2:3] != " "]  # not a wrapped line
    assert [words[0] for words in heads] == COMMANDS, listed
    assert all(len(words) > 3 for words in heads), listed  # each with what it does
    from pipelines.cli import main  # the console script's own function: no process per case

    for args, said in [
        (["fetch", "--no-such-option"], "kazmig fetch: No such option '--no-such-option'."),
        (["note"], "kazmig note: Missing option '--region'."),
        (["report", "--year", "last"], "kazmig report: Invalid value for '--year': 'last' is not a valid integer."),
        (["nonsense"], "kazmig: No such command 'nonsense'."),
    ]:
        code = main(args)
        out, err = capsys.readouterr()
        assert (code, out) == (2, ""), (args, out, err)
        assert err.startswith(said) and len(err.splitlines()) == 1, (args, err)
    assert main([]) == 2 and "Commands:" in capsys.readouterr().err


def closed_early(home: Path, *args: str) -> subprocess.CompletedProcess:
    """`kazmig ... | head -1`: the reader takes one line (or none) and goes away."""
    proc = subprocess.Popen(
        [str(BIN / "kazmig"), *args], env=env_of(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    return subprocess.CompletedProcess(args, proc.returncode, "", err)


def test_a_reader_that_goes_away_ends_the_command_quietly(built_copy):
    # more than a pipe holds, so the query is still writing when the reader has gone
    proc = closed_early(built_copy, "query", "select range as n, repeat('x', 200) from range(100000)")
    assert (proc.returncode, proc.stderr) == (141, ""), proc.stderr
    # a build writes its summary at the end, long after the reader went
    proc = subprocess.Popen(
        [str(BIN / "kazmig"), "build", "--offline"],
        env=env_of(built_copy),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert (proc.wait(timeout=300), err) == (141, ""), err


def test_ctrl_c_during_dbt_is_one_line_saying_interrupted(built_copy):
    home = built_copy
    published = home / "warehouse" / "kazmig.duckdb"
    before = published.read_bytes()
    dbt_log = home / ".dbt" / "dbt.log"
    seen = dbt_log.stat().st_size if dbt_log.exists() else 0  # dbt appends: the copied build's lines
    proc = subprocess.Popen(
        [str(BIN / "kazmig"), "build", "--offline", "--force"],
        env=env_of(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, which Ctrl-C signals as a whole
    )
    end = time.monotonic() + 240
    # dbt is building tables: its threads are busy and Dagster's helper processes are running
    while not (dbt_log.exists() and "OK created" in dbt_log.read_bytes()[seen:].decode(errors="replace")):
        assert proc.poll() is None and time.monotonic() < end, "dbt never got going"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGINT, out + err
    assert out == ""  # no summary of a build that did not finish
    assert err.strip().splitlines() == [
        "kazmig build: interrupted by SIGINT; the published warehouse is the last build that completed (a build "
        "never publishes half); run `kazmig build` again"
    ], err
    assert published.read_bytes() == before
    record = json.loads((home / "warehouse" / "last_build.json").read_text())
    assert (record["success"], record["errors"]) == (False, ["interrupted by SIGINT"])
    status = kazmig(home, "status", check=False).stdout
    assert "error: interrupted by SIGINT" in status, status
