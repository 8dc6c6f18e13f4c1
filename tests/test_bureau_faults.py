"""Faults of the bureau's side, with real files and a real loopback server (issue 13): a file that
is another table, a shrunken release, dates a server or a file claims, work without a bound,
transient errors, non-regular files, and the writer lock. Each lands nothing wrong, says why in
one line, and never wedges the next refresh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bns_server import FUTURE, RETRY_AFTER, BnsServer, bns_files  # noqa: F401  (fixture)
from conftest import kazmig
from pipelines.sources.bns import vintage as vintages
from pipelines.sources.bns.bundle import land_from_dir
from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE, load_catalogue
from pipelines.sources.bns.common import SourceError
from pipelines.sources.bns.fetch import FetchConfig, fetch_source
from pipelines.sources.bns.landing import LandingError, landed_vintages, read_manifest
from pipelines.sources.bns.parse import parse_file

SRC = {s.id: s for s in load_catalogue(DEFAULT_CATALOGUE)}
POP_CSV = "6584-population-2026-08-11.csv"
POP_XLSX = "6584-population-2023-07-21.xlsx"
MIG_CSV = "6567-net-migration-2026-09-30.csv"
LF_CSV = "102800-labour-force-2026-09-30.csv"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    return tmp_path / "home"


def bundle(tmp_path: Path, name: str, files: dict[str, bytes | Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for fname, content in files.items():
        (folder / fname).write_bytes(content.read_bytes() if isinstance(content, Path) else content)
    return folder


def endpoint_source(source_id: str, endpoint: str, ext: str = "") -> object:
    """The catalogue's source with its URL on a test endpoint of bns_server.py."""
    return SRC[source_id].model_copy(update={"url_template": "{base_url}/test/" + endpoint + "/{element_id}" + ext})


def cfg(server: BnsServer, **kw) -> FetchConfig:
    return FetchConfig(
        base_url=server.url,
        connect_timeout=2,
        read_timeout=kw.pop("read_timeout", 5),
        retries=kw.pop("retries", 2),
        backoff=0.05,
        **kw,
    )


@pytest.fixture
def server(tmp_path, bns_files):
    """A loopback bureau on a folder of its own, so a test can change what it serves."""
    folder = tmp_path / "served"
    shutil.copytree(bns_files, folder)
    srv = BnsServer(folder).start()
    yield srv
    srv.stop()


# ------------------------------------------------------------------- 1. a file of another table


def test_a_bundle_file_named_with_another_elements_id_is_refused(home, tmp_path, bns_files):
    folder = bundle(
        tmp_path,
        "b",
        {
            "6584-population-2026-09-30.csv": bns_files / MIG_CSV,  # net migration under population's id
            "6567-net-migration-2026-09-30.csv": bns_files / LF_CSV,  # labour force under net migration's
        },
    )
    results = {r.source_id: r for r in land_from_dir(folder, list(SRC.values()))}
    pop, mig = results["population_csv"], results["net_migration_csv"]
    assert (pop.outcome, mig.outcome) == ("failed", "failed")
    assert pop.error == (
        "rejected 6584-population-2026-09-30.csv: the file states 'Сальдо миграции по всем "
        "потокам', not 'Численность населения на начало периода': not the table the catalogue "
        "describes for element 6584 (row 2, column NAM)"
    )
    assert "not the table the catalogue describes for element 6567" in mig.error
    assert all(landed_vintages(s) == [] for s in SRC.values())
    assert not list((home / "raw" / "bns").rglob("*.csv"))


def _xlsx(path: Path, title: str, unit: str = "человек, на начало года") -> Path:
    """The bureau's population XLSX layout with another title."""
    wb = Workbook()
    for n, (sheet, value) in enumerate([("Все население", 100), ("Мужчины", 49), ("Женщины", 51)]):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = sheet
        ws.cell(2, 1, title)
        ws.cell(5, 1, unit)
        ws.cell(6, 2, 2023)
        ws.cell(7, 1, "Республика Казахстан")
        ws.cell(7, 2, value)
    wb.save(path)
    return path


def test_an_xlsx_of_another_table_or_unit_is_refused(home, tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    _xlsx(folder / "6584-unemployed-2026-01-01.xlsx", "Численность безработных по регионам")
    [r] = land_from_dir(folder, [SRC["population_xlsx"]])
    assert r.outcome == "failed" and "does not match the catalogue's title_pattern" in r.error
    assert "not the table the catalogue describes" in r.error and "sheet 'Все население'" in r.error
    (folder / "6584-unemployed-2026-01-01.xlsx").unlink()
    _xlsx(folder / "6584-population-2026-01-01.xlsx", "Численность населения", unit="тыс. человек")
    [r] = land_from_dir(folder, [SRC["population_xlsx"]])
    assert r.outcome == "failed" and "unexpected unit 'тыс. человек'" in r.error
    assert landed_vintages(SRC["population_xlsx"]) == []


def test_a_server_serving_another_table_under_an_element_id_lands_nothing(home, server):
    (server.folder / POP_CSV).unlink()
    shutil.copyfile(server.folder / MIG_CSV, server.folder / "6584-mixup.csv")
    r = fetch_source(SRC["population_csv"], config=cfg(server))
    assert r.outcome == "failed" and "not the table the catalogue describes for element 6584" in r.error
    assert landed_vintages(SRC["population_csv"]) == []
    assert not [p for p in (home / "raw" / "bns").rglob("*") if p.is_file() and p.parent.name == "population_csv"]


# ------------------------------------------------------------------- 2. a shrunken release


def _cut(data: bytes, keep: float) -> bytes:
    """The CSV cut short at a line end: a release that lost rows but still parses."""
    lines = data.splitlines(keepends=True)
    return b"".join(lines[: int(len(lines) * keep)])


def test_a_release_cut_short_at_a_line_end_is_refused_unless_accepted(home, tmp_path, bns_files):
    full = (bns_files / POP_CSV).read_bytes()
    [first] = land_from_dir(bundle(tmp_path, "v1", {POP_CSV: full}), [SRC["population_csv"]])
    assert first.outcome == "changed"
    cut = bundle(tmp_path, "v2", {"6584-population-2026-09-01.csv": _cut(full, 0.6)})
    [r] = land_from_dir(cut, [SRC["population_csv"]])
    assert r.outcome == "failed", r
    assert r.error.startswith("refused 6584-population-2026-09-01.csv: it lacks ")
    assert f"values that the landed vintage 2026-08-11 ({first.sha256[:12]}) has" in r.error
    assert r.error.endswith("land it with `kazmig fetch population_csv --accept-losses --from DIR`")
    assert [m["vintage"] for _, m in landed_vintages(SRC["population_csv"])] == ["2026-08-11"]

    # the user confirms the bureau withdrew them: it lands, and the sidecar says what was accepted
    [r] = land_from_dir(cut, [SRC["population_csv"]], accept_losses=True)
    assert r.outcome == "changed"
    [_, (_, meta)] = landed_vintages(SRC["population_csv"])
    assert meta["accepted_losses"]["compared_with"] == first.sha256 and meta["accepted_losses"]["values"] > 0


def test_a_city_spelled_like_a_district_is_a_lost_territory(home, tmp_path, bns_files):
    """ "ШЫМКЕНТ Г.А." is how the bureau spells districts and towns: the city's rows would be dropped
    as a district's, and the city would vanish from the facts."""
    full = (bns_files / POP_CSV).read_bytes()
    land_from_dir(bundle(tmp_path, "v1", {POP_CSV: full}), [SRC["population_csv"]])
    respelled = full.replace('"Г.ШЫМКЕНТ"'.encode(), '"ШЫМКЕНТ Г.А."'.encode())
    assert respelled != full
    [r] = land_from_dir(bundle(tmp_path, "v2", {"6584-population-2026-09-01.csv": respelled}), [SRC["population_csv"]])
    assert r.outcome == "failed" and "1 territory (Г.ШЫМКЕНТ (790000000))" in r.error, r.error
    assert len(landed_vintages(SRC["population_csv"])) == 1


def test_an_unreadable_sidecar_is_an_error_naming_both_files_and_landing_again_repairs_it(home, tmp_path, server):
    [r] = land_from_dir(bundle(tmp_path, "v1", {MIG_CSV: server.folder / MIG_CSV}), [SRC["net_migration_csv"]])
    side = r.path.with_suffix(".json")
    side.write_text('{"source_id": "net_migration_csv", "vinta')  # cut mid-write by hand or a full disk
    with pytest.raises(LandingError) as exc:
        landed_vintages(SRC["net_migration_csv"])
    msg = str(exc.value)
    assert f"bns/net_migration_csv/{side.name}" in msg and f"bns/net_migration_csv/{r.path.stem}.*" in msg
    assert "cannot be read" in msg and "kazmig fetch net_migration_csv" in msg and "\n" not in msg

    # the bureau's download of the same bytes rewrites the sidecar (the request is unconditional)
    again = fetch_source(SRC["net_migration_csv"], config=cfg(server))
    assert again.outcome == "repaired" and again.sha256 == r.sha256
    assert "If-None-Match" not in server.requests[-1][1]
    [(path, meta)] = landed_vintages(SRC["net_migration_csv"])
    assert path == r.path and meta["vintage_basis"] == "last_modified"


def test_an_unreadable_sidecar_fails_the_raw_table_check_naming_both_files(home, tmp_path, bns_files):
    import dagster as dg

    from pipelines.defs.bns import WarehouseLock, bns_observations, sources_parse_cleanly

    [r] = land_from_dir(bundle(tmp_path, "v1", {MIG_CSV: bns_files / MIG_CSV}), [SRC["net_migration_csv"]])
    r.path.with_suffix(".json").write_bytes(b"\xff\xfe not json")
    result = dg.materialize(
        [bns_observations, sources_parse_cleanly],
        resources={"warehouse_lock": WarehouseLock()},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    [check] = result.get_asset_check_evaluations()
    assert not check.passed
    assert (
        f"the sidecar bns/net_migration_csv/{r.sha256}.json of raw/bns/net_migration_csv/{r.sha256}.*"
        in check.description
    )


# ------------------------------------------------------------------- 4. dates a server claims


def test_a_future_last_modified_is_a_claim_that_pins_nothing(home, server):
    src = endpoint_source("net_migration_csv", "future")
    first = fetch_source(src, config=cfg(server))
    assert first.outcome == "changed"
    meta = first.meta
    assert meta["vintage_basis"] == "retrieved" and "in the future" in meta["vintage_note"]
    assert meta["last_modified"] == FUTURE  # what the server said is kept, as a claim
    assert vintages.parse_iso(meta["vintage_at"]) <= vintages.now()

    # the bureau publishes a revision; the server still dates it 2099. Not "unchanged": landed.
    data = (server.folder / MIG_CSV).read_bytes().replace(b'"16 550"', b'"16 551"', 1)
    assert data != (server.folder / MIG_CSV).read_bytes()
    (server.folder / MIG_CSV).write_bytes(data)
    time.sleep(1.1)  # a refresh at least a second later
    second = fetch_source(src, config=cfg(server))
    assert second.outcome == "changed", second
    assert all("If-Modified-Since" not in h for p, h in server.requests if p.startswith("/test/future/"))
    landed = landed_vintages(src)
    assert [m["sha256"] for _, m in landed] == [first.sha256, second.sha256]  # the revision is the latest


def test_a_short_content_length_lands_nothing_and_never_wedges(home, server):
    src = endpoint_source("net_migration_csv", "short-length")
    for _ in range(2):  # every refresh retries the download, none reports "unchanged"
        r = fetch_source(src, config=cfg(server, retries=0))
        assert r.outcome == "failed" and r.error.startswith("rejected the download from "), r
        assert landed_vintages(src) == []
    server.healed = True
    r = fetch_source(src, config=cfg(server, retries=0))
    assert r.outcome == "changed" and r.bytes == (server.folder / MIG_CSV).stat().st_size


def test_a_date_inside_the_file_dates_an_xlsx_served_without_last_modified(home, server):
    server.last_modified = None
    r = fetch_source(SRC["population_xlsx"], config=cfg(server))
    assert r.outcome == "changed"
    assert (r.meta["vintage"], r.meta["vintage_basis"]) == ("2023-07-19", "file_date")
    csv = fetch_source(SRC["population_csv"], config=cfg(server))
    assert csv.meta["vintage_basis"] == "retrieved"
    assert vintages.parse_iso(csv.meta["vintage_at"]) == vintages.parse_iso(csv.meta["retrieved_at"]).replace(
        microsecond=0
    )


# ------------------------------------------------------------------- 5. work without a bound


def test_a_trickling_server_is_cut_off_at_the_deadline(home, server):
    src = endpoint_source("net_migration_csv", "trickle")
    r = fetch_source(src, config=cfg(server, deadline=1.5, read_timeout=5))
    assert r.outcome == "failed" and "not finished within the deadline of 1.5 s" in r.error, r
    assert r.attempts == 1 and landed_vintages(src) == []
    received = int(r.error.split("(")[1].split(" bytes")[0])
    assert 0 < received < (server.folder / MIG_CSV).stat().st_size


def _sheet_xml_with(path: Path, dimension: str, extra_cell: str) -> Path:
    """A copy of a good population XLSX whose first sheet declares `dimension` and has one more cell."""
    good = _xlsx(path.with_name("good_" + path.name), "Численность населения")
    with zipfile.ZipFile(good) as zi, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace(
                    text[text.index("<dimension") : text.index("/>", text.index("<dimension")) + 2],
                    f'<dimension ref="{dimension}"/>',
                )
                text = text.replace("</sheetData>", extra_cell + "</sheetData>")
                data = text.encode()
            zo.writestr(info, data)
    return path


@pytest.mark.parametrize(
    "dimension, cell, message",
    [
        ("A1:XFD1048576", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>', "spans A1:XFD1048576"),
        ("A1:B7", '<row r="60000"><c r="A60000" t="n"><v>1</v></c></row>', "more than 20000 rows"),
        ("A1:B7", '<row r="8"><c r="ZZ8" t="n"><v>1</v></c></row>', "a cell beyond column SF"),
    ],
    ids=["declared", "rows-beyond-the-declared", "columns-beyond-the-declared"],
)
def test_an_xlsx_larger_than_any_bureau_sheet_is_refused(tmp_path, dimension, cell, message):
    path = _sheet_xml_with(tmp_path / "far.xlsx", dimension, cell)
    with pytest.raises(SourceError) as exc:
        parse_file(SRC["population_xlsx"], path, {"vintage": "2026-01-01", "sha256": "0" * 64})
    assert message in str(exc.value) and "sheet 'Все население'" in str(exc.value)


def test_non_regular_files_are_refused_by_name(home, tmp_path, bns_files):
    folder = tmp_path / "odd"
    folder.mkdir()
    os.symlink("/dev/zero", folder / "6567-net-migration-2026-01-01.csv")
    os.symlink(tmp_path / "gone.csv", folder / "102800-labour-force-2026-01-01.csv")
    os.mkfifo(folder / "6584-population-2026-01-01.csv")
    results = {r.source_id: r.error for r in land_from_dir(folder, list(SRC.values()))}
    assert results == {
        "net_migration_csv": "refused 6567-net-migration-2026-01-01.csv: not a regular file (a device, through a symlink)",
        "labour_force_csv": "refused 102800-labour-force-2026-01-01.csv: a dangling symlink",
        "population_csv": "refused 6584-population-2026-01-01.csv: not a regular file (a FIFO)",
    }


def test_the_inbox_quarantines_what_it_cannot_land_under_its_own_name(home):
    from pipelines.sources.documents.inbox import land_inbox

    inbox = home / "raw" / "inbox"
    inbox.mkdir(parents=True)
    os.symlink("/dev/zero", inbox / "zero.pdf")
    (inbox / "report\nfinal.pdf").write_bytes(b"%PDF-1.7 not really")
    landed, refused = land_inbox(lambda path: "unreadable PDF: no trailer")
    assert landed == [] and sorted(q["name"] for q in refused) == ["report\nfinal.pdf", "zero.pdf"]
    q = home / "raw" / "quarantine"
    assert (q / "zero.pdf").is_symlink() and (q / "report\nfinal.pdf").read_bytes() == b"%PDF-1.7 not really"
    reason = (q / "report\nfinal.pdf.reason.txt").read_text()
    assert "file: report\\nfinal.pdf\n" in reason and "reason: unreadable PDF: no trailer" in reason
    assert "not a regular file (a device, through a symlink)" in (q / "zero.pdf.reason.txt").read_text()
    assert list(inbox.iterdir()) == []  # nothing blocks the next build, nothing was deleted
    assert not list((home / "raw" / "documents").glob("*.pdf"))


# ------------------------------------------------------------------- 6. transient errors


@pytest.mark.parametrize("endpoint, status", [("ratelimit", 429), ("busy", 503)])
def test_429_and_503_are_retried_when_retry_after_says(home, server, endpoint, status):
    src = endpoint_source("net_migration_csv", endpoint)
    r = fetch_source(src, config=cfg(server))
    assert r.outcome == "changed" and r.attempts == 2, r
    first, last = [m for m in read_manifest() if m["source_id"] == src.id]
    assert first["status"] == status and first["outcome"] == "failed"
    waited = float(first["error"].split("retrying in ")[1].rstrip("s)"))
    assert waited >= RETRY_AFTER - 0.01, first["error"]  # the server's Retry-After, not the 0.05 s back-off
    assert (last["status"], last["outcome"]) == (200, "changed")


def test_a_retry_after_longer_than_kazmig_waits_fails_at_once_with_the_cause(home, server):
    r = fetch_source(endpoint_source("net_migration_csv", "ratelimit-long"), config=cfg(server))
    assert (r.outcome, r.attempts) == ("failed", 1)
    assert r.error == (
        "HTTP 429 Too Many Requests: the bureau asks to retry after 3600 s, longer than kazmig waits (60 s)"
    )


def test_a_source_still_rate_limited_gives_up_naming_the_cause(home, server):
    r = fetch_source(endpoint_source("net_migration_csv", "ratelimit-forever"), config=cfg(server, retries=1))
    assert r.outcome == "failed" and r.attempts == 2
    assert r.error == f"HTTP 429 Too Many Requests (Retry-After {RETRY_AFTER} s) (gave up after 2 attempts)"


# ------------------------------------------------------------------- 3. landing takes the writer lock

# Holds the lock until the test writes "release" into the marker (or the time is up): a loaded
# machine can take seconds to start a Dagster run, which must still find the lock held.
HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipelines.warehouse.lock import build_lock
    marker, end = Path(sys.argv[1]), time.monotonic() + float(sys.argv[2])
    with build_lock():
        marker.write_text("held")
        while time.monotonic() < end and marker.read_text() != "release":
            time.sleep(0.05)
        marker.write_text("released")
""")


def hold_lock(home: Path, tmp_path: Path, seconds: float) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(marker), str(seconds)], env={**os.environ, "KAZMIG_HOME": str(home)}
    )
    end = time.monotonic() + 60
    while not (marker.exists() and marker.read_text() == "held"):
        assert proc.poll() is None and time.monotonic() < end, "the lock holder did not start"
        time.sleep(0.05)
    return proc, marker


def test_fetch_refuses_while_another_process_writes_the_home(home, tmp_path, bns_files):
    holder, _ = hold_lock(home, tmp_path, 30)
    try:
        proc = kazmig(home, "fetch", "--from", str(bns_files), check=False)
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 75, proc.stdout + proc.stderr
    assert (
        proc.stderr.startswith("kazmig fetch: another kazmig process is writing ")
        and f"pid {holder.pid}" in proc.stderr
    )
    assert len(proc.stderr.strip().splitlines()) == 1 and not (home / "raw" / "bns").exists()


def test_a_run_launched_by_dagster_lands_only_under_the_lock(home, tmp_path, monkeypatch):
    """A scheduled refresh (the bns_refresh job, as the daemon runs it) waits for the lock; with a
    short wait it fails saying who holds it, and lands nothing."""
    import threading

    import dagster as dg

    from pipelines.definitions import defs

    monkeypatch.setenv("KAZMIG_BNS_BASE_URL", "http://127.0.0.1:9")  # unreachable: the sample bundle lands
    job = defs.resolve_job_def("bns_refresh")

    def run(wait: float):
        return job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            run_config={"resources": {"warehouse_lock": {"config": {"wait_seconds": wait}}}},
        )

    holder, marker = hold_lock(home, tmp_path, 60)
    try:
        refused = run(0.5)
        assert not refused.success and not (home / "raw" / "bns").exists()
        failure = next(e for e in refused.all_events if e.is_failure)
        assert "another kazmig process is writing" in str(failure.event_specific_data.error.to_string())
        threading.Timer(1.0, marker.write_text, ["release"]).start()  # while the next run waits
        waited = run(60)
    finally:
        holder.wait(timeout=60)
    assert waited.success
    assert marker.read_text() == "released"
    landed = sorted((home / "raw" / "bns").glob("*/*.json"))
    assert len(landed) == 4
    assert all(p.stat().st_mtime >= marker.stat().st_mtime for p in landed)  # landed after the holder left


def test_the_writer_lock_is_reentrant_in_a_process_and_waits_for_another(home, tmp_path):
    """Taken again in the same process, from any thread (a build's in-process Dagster steps take it
    under `kazmig build`'s hold); released at the end; another process's hold is waited for up to
    the timeout, and the refusal names the holder."""
    import threading

    from pipelines.warehouse.lock import BuildLocked, build_lock

    entered = []

    def again() -> None:
        with build_lock():
            entered.append(threading.current_thread().name)

    with build_lock():
        again()
        other = threading.Thread(target=again, name="other")
        other.start()
        other.join(timeout=30)
    assert entered == ["MainThread", "other"]
    holder, marker = hold_lock(home, tmp_path, 60)  # takes it at once: this process let it go
    try:
        with pytest.raises(BuildLocked, match=rf"\(pid {holder.pid}, .*\); waited 0.5 s; try again"):
            with build_lock(wait=0.5, poll=0.05):
                pass
        threading.Timer(1.0, marker.write_text, ["release"]).start()
        with build_lock(wait=60, poll=0.05):
            assert marker.read_text() == "released"  # the holder's hold had ended
    finally:
        holder.kill()
        holder.wait()


# ------------------------------------------------------------------- 8. one line, names shown escaped


def test_bundle_names_off_the_rule_are_reported_escaped_and_exit_1(home, tmp_path, bns_files):
    folder = bundle(
        tmp_path,
        "mixed",
        {
            MIG_CSV: bns_files / MIG_CSV,
            "README.md": b"notes",
            "population.csv": b"x",
            "9999-departures-2026-01-01.csv": b"x",
            "6567-evil\x1b[31m\nred.txt.csv.bak": b"x",
        },
    )
    proc = kazmig(home, "fetch", "--from", str(folder), check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "\x1b" not in out and "Traceback" not in out + proc.stderr
    rows = [ln for ln in out.splitlines() if ln.startswith(("-  ", "net_migration_csv"))]
    assert len(rows) == 4, out
    assert any("population.csv: the name does not follow the bundle's naming rule <element id>" in r for r in rows)
    assert any("9999-departures-2026-01-01.csv: element 9999 as csv is not in the catalogue" in r for r in rows)
    assert any("6567-evil\\x1b[31m\\nred.txt.csv.bak: the name does not follow" in r for r in rows)
    assert any(r.startswith("net_migration_csv") and " changed " in r for r in rows)
    helptext = kazmig(home, "fetch", "--help").stdout
    assert "<element id>[-<words>][-<YYYY-MM-DD>].<csv|xlsx|json>" in " ".join(helptext.split())


def test_a_full_disk_while_landing_is_one_line(tmp_path, bns_files):
    """A 1 MB tmpfs as KAZMIG_HOME (root only: elsewhere the kernel will not mount one for us)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        proc = kazmig(mnt, "fetch", "--from", str(bns_files), check=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
        full = [ln for ln in proc.stdout.splitlines() if "No space left on device" in ln]
        assert full, proc.stdout + proc.stderr
        assert not [p for p in (mnt / "raw" / "bns").rglob(".incoming-*")]  # no half-written file stays
        for ln in full:
            assert " failed " in ln and "cannot land" in ln
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_read_only_home_is_one_line(tmp_path, bns_files):
    ro = tmp_path / "ro"
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(ro)], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here (needs root)")
    try:
        for args in (("fetch", "--from", str(bns_files)), ("build", "--offline")):
            proc = kazmig(ro, *args, check=False)
            assert proc.returncode == 1, proc.stdout + proc.stderr
            assert proc.stderr.strip().splitlines() == [
                f"kazmig {args[0]}: cannot write {ro}/warehouse: Read-only file system; kazmig writes under "
                f"KAZMIG_HOME ({ro}), which must be writable"
            ], proc.stderr
    finally:
        subprocess.run(["umount", str(ro)], check=True)
