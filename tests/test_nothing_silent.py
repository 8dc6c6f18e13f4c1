"""Issue 23, "nothing silent": faults that used to slip through without a word, each tried on a real
build or real files — a damaged build record, ignored inputs, a first landing short of regions, an
orphan temporary file, names and places in errors, a distrusted date, a PDF that inflates."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import duckdb
import pytest

from conftest import BIN, kazmig
from fixtures_pdf import prose_pdf

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


def bomb_pdf(path: Path, inflated_mb: int) -> Path:
    """A one-page PDF whose content stream, a few hundred KB, inflates to `inflated_mb` MB (a
    comment line of spaces per MB after one line of text)."""
    comp = zlib.compressobj(9)
    body = comp.compress(b"BT /F1 12 Tf 72 720 Td (Population 100) Tj ET\n")
    pad = b"%" + b" " * ((1 << 20) - 2) + b"\n"
    body += b"".join(comp.compress(pad) for _ in range(inflated_mb)) + comp.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_truncated_build_record_means_a_full_build_and_damage_is_still_detected(built_copy, tmp_path):
    home = built_copy
    record = home / "warehouse" / "last_build.json"
    published = home / "warehouse" / "kazmig.duckdb"
    record.write_bytes(record.read_bytes()[:200])  # cut mid-write: JSON that ends half-way

    status = kazmig(home, "status", check=False)
    assert status.returncode == 1, status.stdout
    assert "last build: none (warehouse/last_build.json cannot be read: " in status.stdout, status.stdout
    assert "published warehouse: DAMAGED — " in status.stdout and "cannot be verified" in status.stdout

    proc = kazmig(home, "build", "--offline")
    out = proc.stdout
    assert "nothing changed" not in out and "kazmig build succeeded" in out, out
    assert any(ln.startswith("note: the published warehouse ") and "last_build.json" in ln for ln in out.splitlines())
    assert "(not published by this build)" not in out, out  # published again
    assert "  (none)" not in out and "checks: 0 passed" not in out, out  # sources and checks, not a no-op
    saved = json.loads(record.read_text())
    assert saved["published_sha256"] == sha(published) and saved["sources"], saved

    # with a record again, a replaced (but readable) published file is DAMAGED, not "verified"
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create schema marts; create table marts.source_freshness as select 1 as a")
    con.close()
    shutil.copyfile(other, published)
    status = kazmig(home, "status", check=False)
    assert status.returncode == 1 and "published warehouse: DAMAGED — " in status.stdout, status.stdout


def test_a_record_without_the_published_checksum_is_not_trusted(built_copy):
    home = built_copy
    record = home / "warehouse" / "last_build.json"
    saved = json.loads(record.read_text())
    saved["published_sha256"] = None
    record.write_text(json.dumps(saved))
    status = kazmig(home, "status", check=False)
    assert status.returncode == 1 and "has no checksum of the published file" in status.stdout, status.stdout


def test_every_file_in_documents_and_inbox_is_read_or_named_with_the_reason(built_copy):
    home = built_copy
    docs, inbox = home / "raw" / "documents", home / "raw" / "inbox"
    inbox.mkdir()
    prose_pdf(docs / "NOTE2.PDF", [["Численность населения Карагандинской области составила 1 131 тыс. человек."]])
    prose_pdf(inbox / "NOTE3.Pdf", [["Численность населения Костанайской области составила 830 тыс. человек."]])
    (docs / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    (docs / "old").mkdir()
    (inbox / "scan.tiff").write_bytes(b"II*\x00")
    (inbox / ".hidden.pdf").write_bytes(b"%PDF-1.7\n")

    out = kazmig(home, "build", "--offline").stdout
    rows = {ln.split()[0]: ln.split(None, 1)[1] for ln in out.splitlines() if ln.startswith("  ") and ln.split()}
    assert rows.get("NOTE2.PDF", "").startswith("used: "), out  # read, in any case of its suffix
    assert rows.get("NOTE3.Pdf", "").startswith("used: "), out  # landed from the inbox
    assert rows["raw/documents/notes.docx"] == "ignored: not a PDF (suffix .docx): not read", out
    assert rows["raw/documents/old"] == "ignored: a folder: only files directly in raw/documents are read", out
    assert rows["raw/inbox/scan.tiff"] == "ignored: not a PDF (suffix .tiff): not read; left in raw/inbox", out
    assert rows["raw/inbox/.hidden.pdf"].startswith("ignored: a hidden file"), out

    # still named by a build that keeps the documents as they were
    again = kazmig(home, "build", "--offline").stdout
    assert "raw/documents/notes.docx" in again and "raw/inbox/scan.tiff" in again, again


def test_a_first_landing_must_hold_every_region_and_city_of_the_reference(tmp_path, monkeypatch, shared_bns):
    from pipelines.sources.bns.bundle import land_from_dir
    from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE, load_catalogue
    from pipelines.sources.bns.landing import landed_vintages
    from pipelines.sources.bns.parse import parse_file

    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    src = {s.id: s for s in load_catalogue(DEFAULT_CATALOGUE)}["population_csv"]
    full = (shared_bns / "6584-population-2026-08-11.csv").read_bytes()

    def bundle(name: str, data: bytes) -> Path:
        (tmp_path / name).mkdir()
        (tmp_path / name / "6584-population-2026-08-11.csv").write_bytes(data)
        return tmp_path / name

    # the city spelled as a town is the city, not a district dropped without a word
    respelled = full.replace('"Г.АЛМАТЫ"'.encode(), '"АЛМАТЫ Г."'.encode())
    assert respelled != full
    [r] = land_from_dir(bundle("town", respelled), [src])
    assert r.outcome == "changed", r.error
    [(path, meta)] = landed_vintages(src)
    obs = parse_file(src, path, meta)
    assert any(o["region"] == "750000000" for o in obs)
    shutil.rmtree(tmp_path / "home")

    # a first landing without Almaty at all (its rows gone): refused, naming it
    cut = b"".join(ln for ln in full.splitlines(keepends=True) if "Г.АЛМАТЫ".encode() not in ln)
    [r] = land_from_dir(bundle("cut", cut), [src])
    assert r.outcome == "failed", r
    assert r.error.startswith("refused 6584-population-2026-08-11.csv: it lacks 1 of the regions and cities"), r.error
    assert "город Алматы (750000000)" in r.error and "\n" not in r.error
    assert r.error.endswith("land it with `kazmig fetch population_csv --accept-losses --from DIR`")
    assert landed_vintages(src) == []
    [r] = land_from_dir(tmp_path / "cut", [src], accept_losses=True)  # the user's word: it lands
    assert r.outcome == "changed"
    [(_, meta)] = landed_vintages(src)
    assert meta["accepted_losses"]["missing_regions"] == {"750000000": "город Алматы"}


def test_an_orphan_publication_copy_of_a_dead_process_is_removed_by_the_next_build(built_copy):
    home = built_copy
    wh = home / "warehouse"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a real process that ended: its pid is free
    orphan = wh / f".kazmig.duckdb.{gone.pid}.tmp"
    orphan.write_bytes(os.urandom(4096))
    wal = wh / f".kazmig.duckdb.{gone.pid}.tmp.wal"
    wal.write_bytes(b"x")
    alive = wh / f".kazmig.duckdb.{os.getpid()}.tmp"  # a live process's: not ours to remove
    alive.write_bytes(b"y")

    out = kazmig(home, "build", "--offline").stdout  # even a build with nothing to do tidies
    assert "nothing changed" in out, out
    assert not orphan.exists() and not wal.exists() and alive.exists()
    notes = [ln for ln in out.splitlines() if ln.startswith("note: removed ")]
    assert notes == [
        f"note: removed {orphan} (4096 bytes), left by process {gone.pid} that ended mid-publication",
        f"note: removed {wal} (1 bytes), left by process {gone.pid} that ended mid-publication",
    ], out


def test_errors_name_the_input_and_the_place_in_one_line(built_home, tmp_path, monkeypatch, shared_bns):
    # a file name with a newline stays one line, escaped
    odd = tmp_path / "bad\nname.pdf"
    odd.write_bytes(b"x")
    proc = kazmig(built_home, "extract", str(odd), check=False)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "kazmig extract: bad\\nname.pdf: not a PDF (starts with 'x')"
    ], proc.stderr

    # export onto an existing file is a usage error: exit 2, like every other
    taken = tmp_path / "taken"
    taken.write_text("mine")
    proc = kazmig(built_home, "export", "--out", str(taken), check=False)
    assert proc.returncode == 2 and proc.stderr.strip() == f"kazmig export: {taken}: File exists; choose another path"

    # one bad byte in row 801 of a UTF-8 file: row 801, not "row 1" of a file misread as CP1251
    from pipelines.sources.bns.bundle import land_from_dir
    from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE, load_catalogue

    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    src = {s.id: s for s in load_catalogue(DEFAULT_CATALOGUE)}["net_migration_csv"]
    lines = (shared_bns / "6567-net-migration-2026-09-30.csv").read_bytes().split(b"\n")
    at = lines[800].index("А".encode())
    lines[800] = lines[800][:at] + b"\xff" + lines[800][at + 2 :]
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "6567-net-migration-2026-09-30.csv").write_bytes(b"\n".join(lines))
    [r] = land_from_dir(tmp_path / "b", [src])
    assert r.outcome == "failed", r
    assert r.error.startswith("rejected 6567-net-migration-2026-09-30.csv: invalid UTF-8 byte 0xff at byte "), r.error
    assert r.error.endswith(" (row 801)"), r.error


def test_a_reader_holding_the_build_database_is_one_line_saying_who(built_copy):
    home = built_copy
    build_db = home / "warehouse" / "build" / "kazmig.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(build_db)!r}, read_only=True); "
            "print('open', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        proc = kazmig(home, "build", "--offline", "--force", check=False)
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    errors = [ln for ln in proc.stdout.splitlines() if ln.startswith("error: ")]
    assert errors == [
        f"error: the build database {build_db} is held open by process {holder.pid} ({errors[0].split('(', 1)[1]}"
    ], proc.stdout
    assert errors[0].endswith(
        "close that program (or point it at the published warehouse "
        f"{home / 'warehouse' / 'kazmig.duckdb'}, which builds never lock) and run again"
    )
    assert "IOException" not in proc.stdout and "Conflicting lock" not in proc.stdout


def test_a_disk_that_fills_mid_build_says_no_space_left_on_where(tmp_path, shared_bns):
    """A tmpfs as KAZMIG_HOME that holds the landed files but not the build (root only)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=7m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.fail("cannot mount a tmpfs here: this test needs root, as the suite's other full-disk tests")
    try:
        kazmig(mnt, "fetch", "--from", str(shared_bns))
        proc = kazmig(mnt, "build", "--offline", check=False)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 1 and "Traceback" not in out, out
        said = [ln for ln in out.splitlines() if f"no space left on {mnt} " in ln]
        assert said, out
        assert "disk I/O error" not in out and "Errno 28" not in out and "of a file" not in out, out
        assert not (mnt / "warehouse" / "kazmig.duckdb").exists()
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_distrusted_future_date_does_not_outrank_a_later_trusted_one(tmp_path, monkeypatch, shared_bns):
    from pipelines.defs.bns import FetchSettings, _fetch_and_land
    from pipelines.sources.bns import vintage as vintages
    from pipelines.sources.bns.bundle import land_from_dir
    from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE, load_catalogue
    from pipelines.sources.bns.landing import landed_vintages

    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    src = {s.id: s for s in load_catalogue(DEFAULT_CATALOGUE)}["net_migration_csv"]
    data = (shared_bns / "6567-net-migration-2026-09-30.csv").read_bytes()
    today = vintages.now()
    future = (today + vintages.dt.timedelta(days=200)).date().isoformat()
    earlier = (today - vintages.dt.timedelta(days=4)).date().isoformat()

    def land(name: str, content: bytes):
        folder = tmp_path / name
        folder.mkdir()
        (folder / name).write_bytes(content)
        [r] = land_from_dir(folder, [src])
        assert r.outcome == "changed", r.error
        return r

    first = land(f"6567-net-migration-{future}.csv", data)  # its date is in the future: not trusted
    [(_, meta)] = landed_vintages(src)
    assert meta["vintage_basis"] == "retrieved" and "in the future" in meta["vintage_note"]

    # a second file with a distrusted date: current only because it landed last — the build warns
    land(f"6567-net-migration-{future[:4]}-12-31.csv", data.replace(b'"27 169"', b'"27 168"', 1))
    done = _fetch_and_land(src, FetchSettings(offline=True))
    assert not done["passed"] and " — ranking unsure: " in done["line"], done["line"]

    # a correction released four days ago (trusted), landed now: it is current, the guesses below it
    correction = land(f"6567-net-migration-{earlier}.csv", data.replace(b'"27 169"', b'"27 170"', 1))
    landed = landed_vintages(src)
    assert landed[-1][1]["sha256"] == correction.sha256, [m["vintage_at"] for _, m in landed]
    demoted = [m for _, m in landed if m["sha256"] == first.sha256][0]
    assert "ranked below the file dated " + earlier in demoted["vintage_note"]
    done = _fetch_and_land(src, FetchSettings(offline=True))
    assert done["passed"] and "ranking unsure" not in done["line"], done["line"]


def test_a_pdf_that_inflates_past_its_cap_is_quarantined_in_one_line(tmp_path, monkeypatch):
    from pipelines.defs.documents import land_inbox

    home = tmp_path / "home"
    inbox = home / "raw" / "inbox"
    inbox.mkdir(parents=True)
    monkeypatch.setenv("KAZMIG_HOME", str(home))
    bomb_pdf(inbox / "page bomb.pdf", 100)  # 100 MB on one page: over the page's 64 MB
    landed, [q] = land_inbox()
    assert landed == [] and q["name"] == "page bomb.pdf", q
    assert q["reason"].endswith(
        ".pdf: page 1's content inflates to more than 64 MB, the limit of a page (KAZMIG_PDF_MAX_PAGE_MB)"
    ), q

    bomb_pdf(inbox / "fits.pdf", 40)  # within a page's cap, over a document cap of 32 MB
    monkeypatch.setenv("KAZMIG_PDF_MAX_DOCUMENT_MB", "32")
    landed, [q] = land_inbox()
    assert landed == [] and q["name"] == "fits.pdf", q
    assert q["reason"].endswith(
        ".pdf: its streams inflate to more than 32 MB, the limit of a document (KAZMIG_PDF_MAX_DOCUMENT_MB)"
    ), q
    monkeypatch.delenv("KAZMIG_PDF_MAX_DOCUMENT_MB")
    assert (home / "raw" / "quarantine" / "page bomb.pdf").exists()
    assert "limit of a page" in (home / "raw" / "quarantine" / "page bomb.pdf.reason.txt").read_text()

    # the extractor holds the cap too, in a fraction of the memory PDFium takes to inflate it
    big = bomb_pdf(tmp_path / "big.pdf", 300)
    # started from a small process: a child forked from pytest itself would count pytest's memory
    measure = (
        "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(p.stderr, end='')"
    )
    proc = subprocess.run(
        [sys.executable, "-S", "-c", measure, str(BIN / "kazmig"), "extract", str(big)], capture_output=True, text=True
    )
    code, peak_kb = proc.stdout.splitlines()[0].split()
    assert code == "2" and proc.stdout.splitlines()[1:] == [
        "kazmig extract: big.pdf: page 1's content inflates to more than 64 MB, the limit of a page "
        "(KAZMIG_PDF_MAX_PAGE_MB)"
    ], proc.stdout
    assert int(peak_kb) < 150_000, peak_kb  # about 60 MB, against 300 MB and more with the stream inflated
