"""Shared fixtures: a temporary KAZMIG_HOME, the shared bureau files, the real `kazmig` CLI."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTE = REPO / "raw" / "documents" / "labour_migration_note.pdf"
# The headers of the bureau's CSV downloads (../shared/bns/README.md): migration flows, population.
# Both open with the indicator, date, period, region (KATO) and territory type (SPTM) columns.
_BUREAU_HEAD = [
    "NAM",
    "DAT",
    "PERIOD",
    "КАТО(по каталогу)",
    "LКАТО(по каталогу)",
    "СПТМ (по каталогу)",
    "LСПТМ (по каталогу)",
]
MIG_HEADER = [*_BUREAU_HEAD, "КН", "LКН", "СП", "LСП", "VAL"]
POP_HEADER = [*_BUREAU_HEAD, "СП", "LСП", "СГНЛ", "LСГНЛ", "VAL"]

# The keys of a figure that other tools read (`kazmig extract --format jsonl`, the raw table).
FIGURE_KEYS = frozenset(
    ("indicator", "value", "unit", "period", "region", "country", "occupation", "page", "text", "precision")
)


def shared_dir(name: str, env: str) -> Path:
    """A folder of ../shared; missing, it fails under CI and skips elsewhere, saying why."""
    path = Path(os.environ.get(env) or REPO.parent / "shared" / name)
    if not path.is_dir():
        reason = f"{path} is missing: the shared test data must sit beside the repository (or set {env})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def shared_bns() -> Path:
    return shared_dir("bns", "KAZMIG_FIXTURES")


@pytest.fixture(scope="session")
def shared_sources() -> Path:
    return shared_dir("sources", "KAZMIG_SOURCES")


def pytest_configure(config):
    """The dbt manifest is prepared before any test module loads the definitions, as
    `kazmig build` and `make ui` do; under pytest-xdist the controller prepares it before the
    workers start, so no two `dbt parse` write sql/target at once."""
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    from pipelines.dbt.manifest import prepare

    prepare()


# Each module's seconds in a recorded run of `make test` (tests/module_seconds.py rewrites it).
MODULE_SECONDS = Path(__file__).with_name("module_seconds.json")


def pytest_collection_modifyitems(config, items):
    """The longest modules go first. Under `make test` (`--dist loadscope --no-loadscope-reorder`)
    the workers take whole modules in this order, so the long builds start early and the many short
    tests fill in at the end, rather than one long module running alone while the other worker
    idles (the longest-first rule for two machines). The order is by tests/module_seconds.json; a
    module it does not name goes first if it has a `slow` test (it may be long), last otherwise.
    Modules move whole, so a module's fixtures are still made once without xdist."""
    import json

    try:
        seconds = json.loads(MODULE_SECONDS.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no record: the slow modules first, as before there was one
        seconds = {}
    slow = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}

    def key(item):
        module = item.nodeid.split("::")[0]
        if module in seconds:
            return (1, -seconds[module])
        return (0, 0) if module in slow else (2, 0)

    items.sort(key=key)  # stable: file order within a module and among the unrecorded


def make_home(root: Path, with_note: bool = True, sample: bool = False) -> Path:
    """A home with the note alone (the small set most tests need: each PDF more is extracted by
    every cold build), or with `sample` every file of the repository's raw/documents, the sample
    documents a fresh `make run` reads."""
    docs = root / "raw" / "documents"
    docs.mkdir(parents=True)
    if sample:
        for f in (REPO / "raw" / "documents").iterdir():
            if f.suffix == ".pdf" or f.name == "README.md":  # not a corrections file or sidecar of one's own
                shutil.copyfile(f, docs / f.name)
    elif with_note:
        shutil.copyfile(NOTE, docs / NOTE.name)
    return root


def home_env(home: Path, clean: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a kazmig process working in `home`: the venv's tools first on PATH and,
    unless this process or `extra` names a bureau, none reachable. `clean`: without this
    process's own KAZMIG_* variables."""
    env = {k: v for k, v in os.environ.items() if not (clean and k.startswith("KAZMIG_"))}
    env.update(
        {
            "KAZMIG_HOME": str(home),
            "DAGSTER_HOME": str(home / ".dagster"),
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            **extra,
        }
    )
    env.setdefault("KAZMIG_BNS_BASE_URL", "http://127.0.0.1:9")  # discard port: refused at once
    return env


def kazmig(
    home: Path, *args: str, check: bool = True, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the real console script with KAZMIG_HOME=home; no network unless a test serves one."""
    env = home_env(home, **(env or {}))
    proc = subprocess.run([str(BIN / "kazmig"), *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"kazmig {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def run_root(tmp_path_factory) -> Path:
    """A folder of this test run that every pytest-xdist worker sees (the run's base folder);
    without xdist, this process's own base folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_home(tmp_path_factory, shared_bns) -> Path:
    """One full offline build from the note and the shared bureau files, shared by the read-only
    tests. The run builds it once (a cold build is ~30 s of a core): the first worker to ask builds
    it under a lock, the other waits for it; each worker gets a copy of its own, so what one
    worker's tests do to its home never reaches the other's. `build_home.txt` names the folder the
    build ran in (its output names that warehouse)."""
    root = run_root(tmp_path_factory)
    built = root / "built_home"
    with open(root / "built_home.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this worker dies
        if not (built / "build_output.txt").exists():
            shutil.rmtree(built, ignore_errors=True)  # a build that failed in the other worker
            make_home(built)
            kazmig(built, "fetch", "--from", str(shared_bns))
            proc = kazmig(built, "build", "--offline")
            (built / "build_home.txt").write_text(str(built))
            (built / "build_output.txt").write_text(proc.stdout + proc.stderr)
    home = tmp_path_factory.mktemp("kazmig_home")
    shutil.copytree(built, home, symlinks=True, dirs_exist_ok=True)
    return home


@pytest.fixture
def built_copy(tmp_path, built_home) -> Path:
    """A home of its own as `built_home` left it (sources landed, built, published, Dagster's
    history): for tests that change what a full build made, without paying for that build again."""
    return copy_home(built_home, tmp_path / "home")


def copy_home(built: Path, home: Path) -> Path:
    """A copy of a built home (as `built_copy` makes) at `home`, which may exist empty (a
    module fixture's mktemp folder): cheaper than building one, ~0.2 s for 40 MB."""
    ignore = shutil.ignore_patterns("build_output.txt", "build_home.txt")
    shutil.copytree(built, home, symlinks=True, ignore=ignore, dirs_exist_ok=True)
    return home


@pytest.fixture
def published(built_home):
    import duckdb

    con = duckdb.connect(str(built_home / "warehouse" / "kazmig.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def postgres() -> dict[str, str]:
    """A real PostgreSQL for the serving tier, made by scripts/postgres-cluster.sh (Debian's server,
    installed by `make test` through scripts/install-postgres.sh) on a free port of 127.0.0.1:
    KAZMIG_POSTGRES_URL (the writer) and READER_URL."""
    import socket
    import tempfile

    script = REPO / "scripts" / "postgres-cluster.sh"
    # Under /tmp, not pytest's private folder: the server runs as the postgres user when we are root.
    root = Path(tempfile.mkdtemp(prefix="kazmig-pg-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.run(
        ["sh", str(script), "start", str(root), str(port)], capture_output=True, text=True, timeout=180
    )
    if proc.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise AssertionError(
            f"{script.name} start failed ({proc.returncode}); run scripts/install-postgres.sh:\n{proc.stderr}"
        )
    try:
        yield dict(line.split("=", 1) for line in proc.stdout.split())
    finally:
        subprocess.run(["sh", str(script), "stop", str(root)], capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)


# --- the suite's own time, for `make bench` (issue 26) -----------------------------------------
# A run of the whole suite (no paths, -k or -m given) records its wall time, workers, outcomes,
# date and the machine's load in bench/results/suite.json (git-ignored), and appends it to
# suite-history.jsonl beside it; `python -m bench` prints the last one. Workers record nothing:
# the controller sees every test's report.
SUITE_RECORD = REPO / "bench" / "results" / "suite.json"
# from this file's import, before pytest_configure prepares the dbt manifest: the time pytest reports
_suite: dict = {"outcomes": {}, "t0": time.monotonic(), "load_start": os.getloadavg()}


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":  # a skip or an error outside the call counts too
        key = "error" if report.when != "call" and report.outcome == "failed" else report.outcome
        _suite["outcomes"].setdefault(report.nodeid, key)


def pytest_sessionfinish(session, exitstatus):
    import datetime as dt
    import json

    config = session.config
    whole = (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.option.keyword
        and not config.option.markexpr
        and not config.option.deselect
        and not config.option.collectonly
    )
    if hasattr(config, "workerinput") or not whole:
        return
    counts: dict[str, int] = {}
    for outcome in _suite["outcomes"].values():
        counts[outcome] = counts.get(outcome, 0) + 1
    record = {
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "wall_s": round(time.monotonic() - _suite["t0"], 1),
        "workers": getattr(config.option, "numprocesses", None) or 0,
        "tests": sum(counts.values()),
        "outcomes": counts,
        "exit_status": int(exitstatus),
        "load_start": [round(x, 2) for x in _suite["load_start"]],
        "load_end": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    SUITE_RECORD.parent.mkdir(parents=True, exist_ok=True)
    SUITE_RECORD.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    with open(SUITE_RECORD.with_name("suite-history.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
