"""`kazmig fetch` as a person runs it, against the loopback bureau."""

from __future__ import annotations

from bns_server import bns_files, bns_server  # noqa: F401  (fixtures)
from conftest import kazmig


def rows(out: str) -> dict[str, str]:
    """source id -> outcome, from the printed table."""
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 1 and parts[1] in ("changed", "unchanged", "failed", "offline"):
            found[parts[0]] = parts[1]
    return found


def test_fetch_prints_what_changed_then_nothing(tmp_path, bns_server, monkeypatch):
    monkeypatch.setenv("KAZMIG_BNS_BASE_URL", bns_server.url)
    first = kazmig(tmp_path, "fetch")
    assert rows(first.stdout) == {
        s: "changed" for s in ("population_csv", "population_xlsx", "net_migration_csv", "labour_force_csv")
    }
    second = kazmig(tmp_path, "fetch", "population_csv")
    assert rows(second.stdout) == {"population_csv": "unchanged"}
    landed = list((tmp_path / "raw" / "bns" / "population_csv").glob("*.csv"))
    assert len(landed) == 1 and len(landed[0].stem) == 64  # named by its sha256


def test_fetch_unknown_source_and_unreachable_bureau(tmp_path, monkeypatch):
    proc = kazmig(tmp_path, "fetch", "no_such_table", check=False)
    assert proc.returncode == 2 and "unknown source(s) no_such_table" in proc.stderr
    monkeypatch.setenv("KAZMIG_BNS_BASE_URL", "http://127.0.0.1:9")  # refused at once
    proc = kazmig(tmp_path, "fetch", check=False)
    assert set(rows(proc.stdout).values()) == {"offline"}
