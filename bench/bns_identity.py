"""Whether raw.bns_observations is the same table under two versions of the code (issue 26: the
bureau parser moved from row-by-row Python to DuckDB's CSV reader, values must not move).

    python -m bench.bns_identity snapshot CODE_DIR OUT_DIR   # cold builds with the code at CODE_DIR
    python -m bench.bns_identity compare OUT_A OUT_B         # row counts and EXCEPT ALL both ways

`snapshot` builds three homes with the code in CODE_DIR (a checkout, e.g. `git archive` of a
commit): the shared bundle (../shared/bns) landed by `kazmig fetch --from`, nothing landed (the
build lands raw/sample) and the shared bundle with 9 perturbed older vintages of every CSV (the
scale bench's bundle); it writes each home's raw.bns_observations and raw.bns_load_errors as
Parquet. `compare` exits 1 when any table differs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from bench.run import env_for, scale_bundle, shared_bns

TABLES = ("raw.bns_observations", "raw.bns_load_errors")


def _build(code: Path, home: Path, bundle: Path | None) -> None:
    env = env_for(home, PYTHONPATH=str(code))
    cli = [sys.executable, "-m", "pipelines.cli"]
    (home / "raw").mkdir(parents=True)
    if bundle is not None:
        subprocess.run([*cli, "fetch", "--from", str(bundle)], env=env, cwd=code, check=True, capture_output=True)
    proc = subprocess.run([*cli, "build", "--offline"], env=env, cwd=code, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build in {home} exited {proc.returncode}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")


def snapshot(code: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kazmig-identity-") as tmp:
        work = Path(tmp)
        cases = {"shared": shared_bns(), "sample": None, "vintages10": scale_bundle(work, 10)}
        for name, bundle in cases.items():
            home = work / f"home-{name}"
            _build(code.resolve(), home, bundle)
            con = duckdb.connect(str(home / "warehouse" / "kazmig.duckdb"), read_only=True)
            for table in TABLES:
                con.execute(f"copy (select * from {table}) to '{out / f'{name}.{table}.parquet'}' (format parquet)")
            con.close()
            shutil.rmtree(home)
            print(f"{name}: written", flush=True)


def compare(a: Path, b: Path) -> int:
    con = duckdb.connect()
    differ = 0
    for pa in sorted(a.glob("*.parquet")):
        pb = b / pa.name
        n_a = con.execute("select count(*) from read_parquet(?)", [str(pa)]).fetchone()[0]
        n_b = con.execute("select count(*) from read_parquet(?)", [str(pb)]).fetchone()[0]
        only_a = con.execute(
            "select count(*) from (from read_parquet(?) except all from read_parquet(?))", [str(pa), str(pb)]
        ).fetchone()[0]
        only_b = con.execute(
            "select count(*) from (from read_parquet(?) except all from read_parquet(?))", [str(pb), str(pa)]
        ).fetchone()[0]
        same = n_a == n_b and only_a == only_b == 0
        differ += not same
        print(
            f"{pa.stem}: {n_a} rows / {n_b} rows; only in first {only_a}, only in second {only_b}: "
            f"{'identical' if same else 'DIFFERENT'}"
        )
    return 1 if differ else 0


if __name__ == "__main__":
    cmd, x, y = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if cmd == "snapshot":
        snapshot(x, y)
    else:
        raise SystemExit(compare(x, y))
