"""Where a cold build's memory goes, step by step (issue 26: the 1 000-document build's peak RSS).

    python -m bench.memory HOME [NAME=VALUE ...]   # e.g. KAZMIG_BUILD_MEMORY_MB=384

Removes HOME's warehouse, Dagster storage and dbt folder (its raw/ stays: make one with
`python -m bench --only scale --scales 1000 --keep`, or hard-link bench/out/cache/scale1000-*/raw),
runs `kazmig build --offline` there with the variables given, samples the resident memory of the
build and its children every 0.5 s (/proc), and prints each Dagster step's duration and the
highest sample while it ran, with the load average at start and end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.run import BIN, env_for


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            for child in children:
                found += _tree(int(child))
    except OSError:  # it ended between two reads
        pass
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _steps(env: dict[str, str]) -> list[tuple[str, float, float]]:
    """(step, start, end) of the last Dagster run, in a process of its own (DAGSTER_HOME is env's)."""
    code = (
        "import json\nfrom dagster import DagsterInstance\ninst = DagsterInstance.get()\n"
        "run = inst.get_runs(limit=1)[0]\nprint(json.dumps([(s.step_key, s.start_time, s.end_time) "
        "for s in inst.get_run_step_stats(run.run_id) if s.start_time]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return sorted(json.loads(proc.stdout.strip().splitlines()[-1]), key=lambda s: s[1])


def main(argv: list[str]) -> int:
    if not argv or not (Path(argv[0]) / "raw").is_dir():
        raise SystemExit(__doc__)
    home = Path(argv[0]).resolve()
    extra = dict(a.split("=", 1) for a in argv[1:])
    for sub in ("warehouse", ".dagster", ".dbt"):
        shutil.rmtree(home / sub, ignore_errors=True)
    env = env_for(home, **extra)
    print(f"load at start {os.getloadavg()[0]:.2f}", flush=True)
    samples: list[tuple[float, float]] = []
    t0 = time.time()
    with open(home / "memory-build.log", "wb") as log:
        proc = subprocess.Popen([str(BIN / "kazmig"), "build", "--offline"], env=env, stdout=log, stderr=log)
        while proc.poll() is None:
            samples.append((time.time(), sum(_rss_mb(p) for p in _tree(proc.pid))))
            time.sleep(0.5)
    wall = time.time() - t0
    peak = max((mb for _, mb in samples), default=0.0)
    print(f"exit {proc.returncode}, wall {wall:.1f} s, peak {peak:.0f} MB, load at end {os.getloadavg()[0]:.2f}")
    for step, start, end in _steps(env):
        inside = [mb for t, mb in samples if start <= t <= (end or time.time())]
        print(f"  {step:50s} {(end or start) - start:7.1f} s  {max(inside, default=0.0):6.0f} MB")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
