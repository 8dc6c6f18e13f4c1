"""A first run on a machine that cannot reach the bureau (issue 12), then the faults a user meets
afterwards (issue 13): scratch state that cannot be read, a PDF the extractor cannot read, a
truncated published file, SIGTERM mid-build, a dangling symlink and an unreadable sidecar. After
each, the published warehouse is the previous one byte for byte or a correct new one, and what
the user sees is one line per problem, never a traceback."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from conftest import BIN, REPO, home_env, kazmig, make_home

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first

MARTS = ["emigration_by_destination", "note_claims", "outflow_trend", "region_profile", "revisions"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marts(db: Path) -> dict[str, list]:
    """The content of the marts that do not depend on the clock."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {m: con.execute(f"select * from marts.{m} order by all").fetchall() for m in MARTS}
    finally:
        con.close()


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """What a fresh clone's `make run` builds: the repository's raw/documents (the note and the
    sample documents), nothing landed, the bureau unreachable, so the sample bundle is landed."""
    home = make_home(tmp_path_factory.mktemp("first_run"), sample=True)
    proc = kazmig(home, "build", env={"KAZMIG_SAMPLE_BUNDLE": str(REPO / "raw" / "sample")})
    (home / "first_build.txt").write_text(proc.stdout)
    return home


def test_a_first_run_without_network_publishes_the_official_series(first, built_home):
    out = (first / "first_build.txt").read_text()
    assert "kazmig build succeeded" in out, out
    assert "README.md" not in out, out  # raw/documents' README says where the documents come from: no input
    notes = [ln for ln in out.splitlines() if ln.startswith("note: ")]
    assert notes == [
        "note: the bureau could not be reached and nothing was landed: landed the sample bundle "
        "raw/sample (the bureau's files as of 2026-09-30); `kazmig fetch` when the bureau is reachable "
        "brings its current release"
    ], out
    assert (
        "population_csv               used sample vintage 2026-08-11 (dated by its bundle name) — from the "
        "sample bundle (bureau unreachable (127.0.0.1:9 refused the connection))"
    ) in out
    sides = [json.loads(p.read_text()) for p in (first / "raw" / "bns").glob("*/*.json")]
    assert sorted(s["original_name"] for s in sides) == sorted(
        p.name for p in (REPO / "raw" / "sample").iterdir() if p.suffix in (".csv", ".xlsx")
    )
    assert {s["via"] for s in sides} == {"sample"}

    def read(home: Path) -> tuple:
        con = duckdb.connect(str(home / "warehouse" / "kazmig.duckdb"), read_only=True)
        try:
            claims = con.execute(
                "select quoted_text, status, official_value from marts.note_claims "
                "where document_name = 'labour_migration_note.pdf' order by all"
            )
            return claims.fetchall(), con.execute("""select count(distinct region) from marts.region_profile
                                       where year = 2025 and population_source_kind = 'official'""").fetchall()[0][0]
        finally:
            con.close()

    claims, regions = read(first)
    # claims are checked against the bureau's series, exactly as after landing the bundle by hand
    assert len(claims) == 26 and [c for c in claims if c[1] != "no_official_data"], claims
    assert (claims, regions) == read(built_home)
    assert regions >= 18  # the region chart has its official populations


def test_readme_sample_questions_are_answered(first):
    """The five questions README's "What the sample holds" asks, each run by `kazmig query` on what
    a fresh `make run` builds: each returns rows, for more than one year where it asks about years,
    and the facts they lead to hold."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What the sample holds", 1)[1].split("\n## ", 1)[0]
    queries = re.findall(r'^kazmig query "(.+)"$', section, re.M)
    assert len(queries) == 5
    destinations, labour, departures, losses, claims = (
        json.loads(kazmig(first, "query", q, "--format", "json").stdout) for q in queries
    )
    # 1. destinations by year (ordered by rank within the year): several years, Russia first in each
    first_of_year: dict[int, str] = {}
    for r in destinations:
        first_of_year.setdefault(r["year"], r["country_name_ru"])
    assert len(first_of_year) > 1 and set(first_of_year.values()) == {"Россия"}, destinations
    # 2. labour emigrants of 2024: shares of the total, with the remainder, add up to 100
    assert labour[0]["country_name_ru"] == "Россия" and abs(sum(r["share_pct"] for r in labour) - 100) < 0.5
    # 3. the country's departures over the years; a ratio only between consecutive years
    years = [r["year"] for r in departures]
    assert len(years) > 1 and years == sorted(set(years)), departures
    for prev, row in zip(departures, departures[1:]):
        expected = round(row["departures"] / prev["departures"], 3) if row["year"] == prev["year"] + 1 else None
        assert row["ratio_to_previous_year"] == expected, (prev, row)
    # 4. the regions' losses over the years: only losses, the largest first within a year
    assert len({r["year"] for r in losses}) > 1 and all(r["net_migration"] < 0 for r in losses), losses
    assert losses == sorted(losses, key=lambda r: (r["year"], r["net_migration"]))
    # 5. the note's claims about Akmola against the bureau
    assert {"confirmed", "no_official_data"} <= {r["status"] for r in claims}


def test_a_fetch_step_that_landed_nothing_says_why_and_what_to_do(tmp_path, monkeypatch):
    """What the UI shows when nothing is landed and the sample bundle is off: the materialization
    says "nothing landed" and the step's check fails, naming the next step."""
    import dagster as dg

    from pipelines.defs.bns import FetchSettings, WarehouseLock, build_fetch_assets

    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KAZMIG_SAMPLE_BUNDLE", "")
    result = dg.materialize(
        build_fetch_assets(),
        instance=dg.DagsterInstance.ephemeral(),
        resources={
            "fetch_settings": FetchSettings(offline=True, always_materialize=True),
            "warehouse_lock": WarehouseLock(),
        },
    )
    assert result.success
    outcomes = {
        e.asset_key.path[1]: e.materialization.metadata["outcome"].value
        for e in result.get_asset_materialization_events()
    }
    assert set(outcomes.values()) == {"nothing landed"} and len(outcomes) == 4
    checks = result.get_asset_check_evaluations()
    assert len(checks) == 4 and not any(c.passed for c in checks)
    assert all(
        c.description == "skipped: nothing landed — --offline: not fetched; land a bundle with "
        "`kazmig fetch --from DIR`, or `kazmig fetch` when the bureau is reachable"
        for c in checks
    )


def test_scratch_state_that_cannot_be_read_is_rebuilt_and_a_bad_inbox_pdf_quarantined(first, tmp_path):
    home = first
    before = marts(home / "warehouse" / "kazmig.duckdb")
    build_db = home / "warehouse" / "build" / "kazmig.duckdb"
    build_db.write_bytes(os.urandom(build_db.stat().st_size))  # a corrupted build database
    runs = home / ".dagster" / "history" / "runs.db"
    runs.write_bytes(b"not a database " * 1000)  # a corrupted Dagster storage
    inbox = home / "raw" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "broken report.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4000) + b"\n%%EOF\n")

    proc = kazmig(home, "build", "--offline")
    out = proc.stdout
    assert "kazmig build succeeded" in out, out
    no_traceback(proc)
    assert any(
        ln.startswith("note: the build database was unreadable (") and "rebuilt from scratch" in ln
        for ln in out.splitlines()
    ), out
    assert any(
        ln.startswith("note: Dagster's storage in ") and "moved to .dagster.unreadable-" in ln
        for ln in out.splitlines()
    ), out
    [quarantined] = [ln for ln in out.splitlines() if "broken report.pdf" in ln]
    assert "quarantined: " in quarantined and "→ raw/quarantine/broken report.pdf" in quarantined
    assert (home / "raw" / "quarantine" / "broken report.pdf").exists()
    assert "reason: " in (home / "raw" / "quarantine" / "broken report.pdf.reason.txt").read_text()
    assert list(inbox.iterdir()) == []
    assert list(home.glob(".dagster.unreadable-*"))
    assert marts(home / "warehouse" / "kazmig.duckdb") == before  # a correct new warehouse

    again = kazmig(home, "build", "--offline")  # nothing is stuck: the next build has nothing to do
    assert "nothing changed since the last published build" in again.stdout, again.stdout


def test_a_truncated_published_file_is_reported_and_rebuilt(first, tmp_path):
    home = first
    published = home / "warehouse" / "kazmig.duckdb"
    before = marts(published)
    data = published.read_bytes()
    published.write_bytes(data[: len(data) // 2])

    status = kazmig(home, "status", check=False)
    assert status.returncode == 1
    [line] = [ln for ln in status.stdout.splitlines() if ln.startswith("published warehouse:")]
    # DuckDB may still open half a file: the hash of what the last build published tells
    damage = (
        f"the published warehouse {published} is not the file the last build published (changed or truncated since)",
        f"the published warehouse {published} cannot be read (",
    )
    assert line.startswith(tuple(f"published warehouse: DAMAGED — {d}" for d in damage)), line
    assert line.endswith("; run `kazmig build --force` to publish it again")

    proc = kazmig(home, "build", "--offline")
    out = proc.stdout
    assert "nothing changed" not in out and "kazmig build succeeded" in out, out
    assert any(
        ln.startswith(tuple(f"note: {d}" for d in damage)) and ln.endswith("; this build replaces it")
        for ln in out.splitlines()
    ), out
    assert marts(published) == before
    healthy = kazmig(home, "status")
    assert f"published warehouse: {published} (verified:" in healthy.stdout

    # export onto an existing file (a usage error: exit 2), and queries past their limits: one line each
    taken = tmp_path / "taken"
    taken.write_text("mine")
    proc = kazmig(home, "export", "--out", str(taken), check=False)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        f"kazmig export: {taken}: File exists; choose another path"
    ], proc.stderr
    assert taken.read_text() == "mine"
    for sql, env, says in [
        ("select * from range(200000)", {}, "more than 100000 rows, the row limit (KAZMIG_QUERY_MAX_ROWS)"),
        ("select repeat('x', 3000000000)", {}, "needs more than 1024 MB, the memory limit (KAZMIG_QUERY_MEMORY_MB)"),
        (
            "select count(*) from range(100000000000)",
            {"KAZMIG_QUERY_TIMEOUT": "1"},
            "stopped after 1 s, the time limit (KAZMIG_QUERY_TIMEOUT)",
        ),
    ]:
        proc = kazmig(home, "query", sql, check=False, env=env)
        assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith("kazmig query: ") and says in proc.stderr, proc.stderr
        no_traceback(proc)


def test_sigterm_mid_build_is_one_line_and_changes_nothing(first, tmp_path):
    home = first
    published = home / "warehouse" / "kazmig.duckdb"
    before = sha(published)
    env = home_env(home)
    proc = subprocess.Popen(
        [str(BIN / "kazmig"), "build", "--offline", "--force"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = home / "warehouse" / "build" / ".lock"
    log = home / "warehouse" / "build" / "build.log"
    end = time.monotonic() + 180
    while not (
        lock.exists() and lock.read_text().split(" ")[0] == str(proc.pid) and log.exists() and log.stat().st_size > 0
    ):
        assert proc.poll() is None and time.monotonic() < end, "the build did not get going"
        time.sleep(0.05)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, out + err
    assert "Traceback" not in out + err
    assert err.strip().splitlines() == [
        "kazmig build: interrupted by SIGTERM; the published warehouse is the last build that completed (a build never "
        "publishes half); run `kazmig build` again"
    ], err
    assert sha(published) == before
    # the lock went with the process: the next writer gets it at once
    again = kazmig(home, "fetch", "--from", str(REPO / "raw" / "sample"))
    assert set(ln.split()[1] for ln in again.stdout.splitlines()[2:-1]) == {"unchanged"}, again.stdout


def test_a_dangling_symlink_and_an_unreadable_sidecar_fail_the_build_in_one_line_each(first):
    home = first
    published = home / "warehouse" / "kazmig.duckdb"
    before = sha(published)
    link = home / "raw" / "documents" / "gone.pdf"
    os.symlink(home / "nowhere.pdf", link)
    [side] = [p for p in (home / "raw" / "bns" / "net_migration_csv").glob("*.json")]
    side.write_text("{")
    try:
        proc = kazmig(home, "build", "--offline", check=False)
    finally:
        link.unlink()
    out = proc.stdout
    assert proc.returncode == 1 and "kazmig build FAILED — the published warehouse was left as it was" in out, out
    no_traceback(proc)
    errors = [ln for ln in out.splitlines() if ln.startswith("error: ")]
    assert (
        "error: raw__documents: raw/documents/gone.pdf: a dangling symlink; remove it, or put the PDF itself "
        "there (or drop it into raw/inbox)"
    ) in errors, out
    assert any(
        ln.startswith(
            "error: bns__net_migration_csv: net_migration_csv: the sidecar bns/net_migration_csv/"
            f"{side.name} of raw/bns/net_migration_csv/{side.stem}.* cannot be read"
        )
        for ln in errors
    ), out
    assert sha(published) == before

    # landing the file again rewrites its sidecar: no hand-cleaning
    fix = kazmig(home, "fetch", "--from", str(REPO / "raw" / "sample"), "net_migration_csv")
    [row] = [ln for ln in fix.stdout.splitlines() if ln.startswith("net_migration_csv")]
    assert row.split()[1] == "repaired", fix.stdout
    assert json.loads(side.read_text())["sha256"] == side.stem
    proc = kazmig(home, "build", "--offline")
    assert "kazmig build succeeded" in proc.stdout, proc.stdout
