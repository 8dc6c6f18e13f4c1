"""The bureau's CSV through DuckDB's CSV reader (load_csv.load_source, what raw/bns_observations
uses) against parse_csv (parse_file) file by file: the same observations, column for column, for
good files and the variants the bureau really sends; every bad CSV of test_bad_inputs' corpus
left to parse_csv, so its one-line error is the one the build reports, and nothing of it loaded.
In-process against a real DuckDB file; no build."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from test_bad_inputs import BAD, GOOD_MIG, csv_bytes, good_csv, mig, write

from conftest import MIG_HEADER
from pipelines.defs.bns import OBSERVATION_COLUMNS
from pipelines.sources.bns import SourceError, load_catalogue, parse_file
from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE
from pipelines.sources.bns.load_csv import load_source
from pipelines.warehouse.db import append_rows, replace_table

SRC = {s.id: s for s in load_catalogue(DEFAULT_CATALOGUE)}
SAMPLE = Path(__file__).resolve().parents[1] / "raw" / "sample"  # the bureau's files, in the repository
NAMES = [n for n, _ in OBSERVATION_COLUMNS]


@pytest.fixture
def con(tmp_path, monkeypatch):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "warehouse" / "build").mkdir(parents=True)  # append_rows' scratch files
    c = duckdb.connect(str(tmp_path / "t.duckdb"))
    for t in ("raw.fast", "raw.slow"):
        replace_table(c, t, [], OBSERVATION_COLUMNS)
    yield c
    c.close()


def meta(path: Path, k: int = 0) -> dict:
    return {
        "vintage": f"2026-01-{k + 1:02d}",
        "vintage_at": f"2026-01-{k + 1:02d}T10:00:00Z",
        "vintage_basis": "bundle_name",
        "sha256": f"{k:064d}",
        "file_name": path.name,
    }


def both(con, source_id: str, paths: list[Path]):
    """load_source into raw.fast; parse_file file by file into raw.slow (stopping at the first
    error, as the asset did); (load_source's result, parse_file's error or None)."""
    vintages = [(p, meta(p, k)) for k, p in enumerate(paths)]
    loaded = load_source(con, "raw.fast", OBSERVATION_COLUMNS, SRC[source_id], vintages)
    error = None
    for p, m in vintages:
        try:
            append_rows(con, "raw.slow", parse_file(SRC[source_id], p, m), OBSERVATION_COLUMNS)
        except SourceError as exc:
            error = exc
            break
    return loaded, error


def same_tables(con) -> None:
    fast = con.execute(f"select {', '.join(NAMES)} from raw.fast order by all").fetchall()
    slow = con.execute(f"select {', '.join(NAMES)} from raw.slow order by all").fetchall()
    assert fast == slow


def test_the_bureau_files_load_as_parse_csv_reads_them(con, tmp_path):
    for source_id in ("population_csv", "net_migration_csv", "labour_force_csv"):
        (path,) = SAMPLE.glob(f"{SRC[source_id].element_id}-*.csv")
        # two vintages read together: the second a copy, its lines counted from its own top
        second = shutil.copyfile(path, tmp_path / f"second-{path.name}")
        loaded, error = both(con, source_id, [path, second])
        assert error is None and loaded.error is None
        assert loaded.by_parse_csv == []  # DuckDB's path took them, not the fallback
        assert loaded.count > 0
    same_tables(con)


def test_variants_load_as_parse_csv_reads_them(con, tmp_path):
    files = {
        "good": good_csv(tmp_path / "good.csv"),
        "no-bom-lf": write(
            tmp_path / "lf.csv",
            csv_bytes(MIG_HEADER, GOOD_MIG, bom=False).replace(b"\r\n", b"\n"),
        ),
        # equal duplicates: the first kept; "x", "х" and "…" skipped; a decimal comma
        "dups-and-marks": write(
            tmp_path / "d.csv",
            csv_bytes(
                MIG_HEADER,
                [
                    *GOOD_MIG,
                    *GOOD_MIG[:2],
                    mig(2022, "РЕСПУБЛИКА КАЗАХСТАН", "x"),
                    mig(2022, "АКМОЛИНСКАЯ ОБЛАСТЬ", "…"),
                ]
                + [mig(2021, "АКМОЛИНСКАЯ ОБЛАСТЬ", "х"), mig(2021, "РЕСПУБЛИКА КАЗАХСТАН", " 1 200,0 ")],
            ),
        ),
        # an extra classification column at its total, and a row not at it (skipped)
        "extra-column": write(
            tmp_path / "x.csv",
            csv_bytes(
                MIG_HEADER[:-1] + ["ВОЗРАСТ", "LВОЗРАСТ", "VAL"],
                [r[:-1] + ["Всего", "0", r[-1]] for r in GOOD_MIG]
                + [mig(2020, "АКМОЛИНСКАЯ ОБЛАСТЬ", "7")[:-1] + ["15-19", "0", "7"]],
            ),
        ),
        # parse_csv's alone: another encoding; a NUL byte (csv.reader takes it, in a row it skips)
        "cp1251": write(tmp_path / "cp.csv", csv_bytes(MIG_HEADER, GOOD_MIG, "cp1251")),
        "nul": write(
            tmp_path / "nul.csv", csv_bytes(MIG_HEADER, [*GOOD_MIG, mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "1", kn="В\x00")])
        ),
    }
    for name, path in files.items():
        loaded, error = both(con, "net_migration_csv", [path])
        assert error is None and loaded.error is None, name
        assert loaded.by_parse_csv == ([path] if name in ("cp1251", "nul") else []), name
    same_tables(con)
    values = dict(
        con.execute("select region || ' ' || period, value from raw.fast where file_name = 'd.csv'").fetchall()
    )
    assert values["KZ 2021"] == 1200.0 and "KZ 2022" not in values


CSV_BAD = [b for b in BAD if b.source in SRC and SRC[b.source].format == "bns_csv"]


@pytest.mark.parametrize("bad", CSV_BAD, ids=[b.id for b in CSV_BAD])
def test_a_bad_file_is_left_to_parse_csv_and_stops_its_source(con, tmp_path, bad):
    """Between two good vintages: the good one before it loaded, the error parse_csv's own
    (file, row, column), the one after it not read."""
    before = good_csv(tmp_path / "before.csv")
    if bad.source != "net_migration_csv":
        before = None
    (tmp_path / "bad").mkdir()
    path = bad.make(tmp_path / "bad")
    after = good_csv(tmp_path / "after.csv")
    paths = [p for p in (before, path, after) if p is not None]
    loaded, error = both(con, bad.source, paths)
    assert error is not None and loaded.error is not None
    assert str(loaded.error) == str(error) and loaded.failed == path
    assert (loaded.error.row, loaded.error.column) == (bad.row, bad.column)
    assert path in loaded.by_parse_csv
    files = {f for (f,) in con.execute("select distinct file_name from raw.fast").fetchall()}
    assert files == ({"before.csv"} if before else set())
    same_tables(con)
