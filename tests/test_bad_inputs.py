"""Break-it tests: a corpus of bad inputs, all generated here (synthetic files in the bureau's real
layouts, PDFs made with fpdf2). Every bad input gets a one-line error that names the source and
the place (file and row/column/sheet, the PDF's name, or the URL); nothing bad is published.

Cheap where it can be: parser and extractor errors are asserted in-process; a few representative
bad files (one PDF, one CSV, one XLSX) go through a real `kazmig build --offline` against one good
build made once for the module with a tiny synthetic catalogue (KAZMIG_CATALOGUE); HTTP failures
go through the loopback bureau of bns_server.py with a real `kazmig fetch`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from bns_server import BIG_BYTES, BnsServer
from conftest import BIN, MIG_HEADER, NOTE, POP_HEADER, home_env
from fixtures_pdf import encrypted_pdf, image_only_pdf, prose_pdf
from pipelines.sources.bns import SourceError, load_catalogue, parse_file
from pipelines.sources.bns.bundle import land_from_dir
from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE, CatalogueError
from pipelines.sources.bns.landing import landed_vintages
from pipelines.sources.documents.extract import DocumentError, extract_figures

SRC = {s.id: s for s in load_catalogue(DEFAULT_CATALOGUE)}
KATO = MIG_HEADER[3]  # the region column


# ------------------------------------------------------------------------------ synthetic files


def mig(
    year: int,
    label: str,
    val: str,
    kn: str = "Всего",
    nam: str = "Сальдо миграции по всем потокам(Человек)",
    dat: str | None = None,
    period: str | None = None,
) -> list[str]:
    return [nam, dat or f"{year} год", period or f"{year}12", label, "0", "Всего", "0", kn, "0", "Всего", "0", val]


def pop(year: int, label: str, val: str, sp: str = "Всего") -> list[str]:
    return [
        "Численность населения на начало периода(Человек)",
        f"{year} год",
        f"{year}12",
        label,
        "0",
        "Всего",
        "0",
        sp,
        "0",
        "Все группы",
        "0",
        val,
    ]


GOOD_MIG = [
    mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "16 550"),  # row 2
    mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "-5 561"),  # 3
    mig(2023, "РЕСПУБЛИКА КАЗАХСТАН", "12 003"),  # 4
    mig(2023, "АКМОЛИНСКАЯ ОБЛАСТЬ", "-4 210"),  # 5
    mig(2024, "АККОЛЬСКИЙ РАЙОН", "-100"),  # 6 a district: dropped
]


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8", bom: bool = True) -> bytes:
    lines = ["\t".join(f'"{c}"' for c in r) for r in [header, *rows]]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" if bom and encoding == "utf-8" else b"") + data


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def good_csv(path: Path) -> Path:
    return write(path, csv_bytes(MIG_HEADER, GOOD_MIG))


YEARS = [2022, 2023]
XLSX_ROWS = {
    "Все население": [("Республика Казахстан ", [100, 110]), ("Акмолинская", [40, 41])],
    "Мужчины": [("Республика Казахстан", [49, 54]), ("Акмолинская", [19, 20])],
    "Женщины": [("Республика Казахстан", [51, 56]), ("Акмолинская ", [21, 21])],
}


def make_xlsx(
    path: Path,
    header_row: int = 3,
    rows: dict | None = None,
    sheets=("Все население", "Мужчины", "Женщины"),
    extra_sheet: bool = False,
    shift_section: bool = False,
    header: list | None = None,
) -> Path:
    """The bureau's XLSX: a merged title, the unit above the header, years across, one row per
    region, a merged section row, a footnote."""
    wb = Workbook()
    rows = rows or XLSX_ROWS
    for n, title in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.cell(1, 1, f"Численность населения: {title}")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
        ws.cell(header_row - 1, 2, "человек, на начало года")
        ws.merge_cells(start_row=header_row - 1, start_column=2, end_row=header_row - 1, end_column=3)
        for j, y in enumerate(header or YEARS):
            ws.cell(header_row, 2 + j, y)
        r = header_row + 1
        if title == "Все население":
            col = 2 if shift_section else 1  # the merged section row slid one column to the right
            ws.cell(r, col, "Все население")
            ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + 2)
            r += 1
        for label, values in rows.get(title, []):
            ws.cell(r, 1, label)
            for j, v in enumerate(values):
                ws.cell(r, 2 + j, v)
            r += 1
        ws.cell(r + 1, 1, "1) Данные по областям на начало года.")
    if extra_sheet:
        wb.create_sheet("Диаграмма").cell(1, 1, "график")
    wb.save(path)
    return path


def rezip(src: Path, dst: Path, part: str, data: bytes, declared: int | None = None) -> Path:
    """A copy of the XLSX with one part replaced; `declared` overwrites the part's uncompressed size
    in both headers (a zip bomb that lies about its size)."""
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            zo.writestr(info.filename, data if info.filename == part else zi.read(info.filename))
    if declared is not None:
        raw = bytearray(dst.read_bytes())
        with zipfile.ZipFile(dst) as z:
            struct.pack_into("<I", raw, z.getinfo(part).header_offset + 22, declared)
        at = raw.find(b"PK\x01\x02")
        while at != -1:
            n = struct.unpack_from("<H", raw, at + 28)[0]
            if raw[at + 46 : at + 46 + n] == part.encode():
                struct.pack_into("<I", raw, at + 24, declared)
            at = raw.find(b"PK\x01\x02", at + 4)
        dst.write_bytes(bytes(raw))
    return dst


def zip_bomb(path: Path, size: int) -> Path:
    """A valid-looking XLSX whose sheet inflates to `size` bytes of XML whitespace (small on disk)."""
    good = make_xlsx(path.with_name("bomb_src.xlsx"))
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(good) as zi, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zo:
        for info in zi.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zo.writestr(info.filename, zi.read(info.filename))
        with zo.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for _ in range(size // len(chunk) + 1):
                f.write(chunk)
            f.write(b"<sheetData/></worksheet>")
    return path


def bad_sheet_xml(path: Path) -> Path:
    good = make_xlsx(path.with_name("src_" + path.name))
    xml = zipfile.ZipFile(good).read("xl/worksheets/sheet1.xml")
    return rezip(good, path, "xl/worksheets/sheet1.xml", xml[: len(xml) // 2])


def lying_bomb(path: Path) -> Path:
    good = make_xlsx(path.with_name("src_" + path.name))
    xml = zipfile.ZipFile(good).read("xl/worksheets/sheet1.xml")
    return rezip(good, path, "xl/worksheets/sheet1.xml", xml + b"<!--" + b" " * (64 << 20) + b"-->", declared=len(xml))


# ------------------------------------------------------------------------------ the corpus


@dataclass
class Bad:
    id: str
    source: str  # "pdf" or a catalogue source id
    make: Callable[[Path], Path]  # writes the bad file under the given folder
    message: str  # substring of the error
    row: int | None = None
    column: str | None = None
    sheet: str | None = None


def _pdf_truncated(d: Path) -> Path:
    good = prose_pdf(d / "good.pdf", [["Численность населения составила 100 тыс. человек."]])
    return write(d / "cut.pdf", good.read_bytes()[: good.stat().st_size // 2])


BAD = [
    # PDF documents
    Bad("pdf-empty", "pdf", lambda d: write(d / "empty.pdf", b""), "empty file"),
    Bad("pdf-truncated", "pdf", _pdf_truncated, "truncated PDF"),
    Bad("pdf-encrypted", "pdf", lambda d: encrypted_pdf(d / "locked.pdf"), "encrypted PDF"),
    Bad("pdf-image-only", "pdf", lambda d: image_only_pdf(d / "scan.pdf"), "no text layer"),
    Bad(
        "pdf-html", "pdf", lambda d: write(d / "page.pdf", b"<!DOCTYPE html><html><body>404</body></html>"), "not a PDF"
    ),
    Bad(
        "pdf-garbage-body",
        "pdf",
        lambda d: write(d / "junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"),
        "unreadable PDF",
    ),
    # bureau CSV (net migration layout unless said otherwise)
    Bad("csv-empty", "net_migration_csv", lambda d: write(d / "e.csv", b""), "empty file", row=1),
    Bad(
        "csv-header-only",
        "net_migration_csv",
        lambda d: write(d / "h.csv", csv_bytes(MIG_HEADER, [])),
        "no data rows",
        row=2,
    ),
    Bad(
        "csv-koi8r",
        "net_migration_csv",
        lambda d: write(d / "k.csv", csv_bytes(MIG_HEADER, GOOD_MIG, "koi8-r")),
        "missing column",
        row=1,
        column=KATO,
    ),
    Bad(
        "csv-utf16",
        "net_migration_csv",
        lambda d: write(d / "u.csv", csv_bytes(MIG_HEADER, GOOD_MIG, "utf-16")),
        "missing column",
        row=1,
        column="NAM",
    ),
    Bad(
        "csv-binary",
        "net_migration_csv",
        lambda d: write(d / "b.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        "not UTF-8 or CP1251 text",
        row=1,
    ),
    Bad(
        "csv-missing-VAL",
        "net_migration_csv",
        lambda d: write(d / "m.csv", csv_bytes(MIG_HEADER[:-1], [r[:-1] for r in GOOD_MIG])),
        "missing column",
        row=1,
        column="VAL",
    ),
    Bad(
        "csv-renamed-territory",
        "net_migration_csv",
        lambda d: write(
            d / "r.csv", csv_bytes([h.replace("КАТО(по каталогу)", "КАТО (по каталогу)") for h in MIG_HEADER], GOOD_MIG)
        ),
        "missing column",
        row=1,
        column=KATO,
    ),
    Bad(
        "csv-renamed-sex-dimension",
        "population_csv",
        lambda d: write(
            d / "s.csv",
            csv_bytes(
                [h.replace("СП", "ПОЛ") if h in ("СП", "LСП") else h for h in POP_HEADER],
                [pop(2024, "РЕСПУБЛИКА КАЗАХСТАН", "20 000 000")],
            ),
        ),
        "missing column",
        row=1,
        column="СП",
    ),
    Bad(
        "csv-extra-column-never-total",
        "net_migration_csv",
        lambda d: write(
            d / "x.csv",
            csv_bytes(
                MIG_HEADER[:-1] + ["ВОЗРАСТ", "LВОЗРАСТ", "VAL"], [r[:-1] + ["15-64", "0", r[-1]] for r in GOOD_MIG]
            ),
        ),
        "no row is at a total",
        row=1,
        column="ВОЗРАСТ",
    ),
    Bad(
        "csv-unknown-region",
        "net_migration_csv",
        lambda d: write(d / "g.csv", csv_bytes(MIG_HEADER, GOOD_MIG[:2] + [mig(2024, "МАРСИАНСКАЯ ОБЛАСТЬ", "5")])),
        "unknown region label 'МАРСИАНСКАЯ ОБЛАСТЬ'",
        row=4,
        column=KATO,
    ),
    Bad(
        "csv-conflicting-duplicate",
        "net_migration_csv",
        lambda d: write(d / "dup.csv", csv_bytes(MIG_HEADER, GOOD_MIG + [mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "-5 000")])),
        "conflicting duplicate",
        row=7,
        column="VAL",
    ),
    Bad(
        "csv-stray-asterisk",
        "net_migration_csv",
        lambda d: write(d / "a.csv", csv_bytes(MIG_HEADER, [mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "16 550*")])),
        "unparsable value '16 550*'",
        row=2,
        column="VAL",
    ),
    Bad(
        "csv-stray-letters",
        "net_migration_csv",
        lambda d: write(d / "l.csv", csv_bytes(MIG_HEADER, GOOD_MIG[:1] + [mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "5 5б1")])),
        "unparsable value",
        row=3,
        column="VAL",
    ),
    Bad(
        "csv-thousands-comma",
        "net_migration_csv",
        lambda d: write(d / "c.csv", csv_bytes(MIG_HEADER, [mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "16,550")])),
        "not a whole number of persons",
        row=2,
        column="VAL",
    ),
    Bad(
        "csv-truncated-mid-row",
        "net_migration_csv",
        lambda d: write(d / "t.csv", csv_bytes(MIG_HEADER, GOOD_MIG)[:-16]),
        "expected 12 fields, found 10",
        row=6,
    ),
    Bad(
        "csv-truncated-mid-character",
        "net_migration_csv",
        lambda d: write(
            d / "tc.csv",
            csv_bytes(MIG_HEADER, GOOD_MIG + [mig(2024, "Г.АСТАНА", "1")]).rsplit("АСТАНА".encode(), 1)[0]
            + "АСТАНА".encode()[:3],
        ),
        "truncated: the file ends inside a UTF-8 character",
        row=7,
    ),
    Bad(
        "csv-period-mismatch",
        "net_migration_csv",
        lambda d: write(d / "p.csv", csv_bytes(MIG_HEADER, [mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "1", period="202312")])),
        "does not match",
        row=2,
        column="PERIOD",
    ),
    Bad(
        "csv-quarterly-period",
        "net_migration_csv",
        lambda d: write(
            d / "q.csv", csv_bytes(MIG_HEADER, [mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "1", dat="I квартал 2024")])
        ),
        "unsupported period",
        row=2,
        column="DAT",
    ),
    Bad(
        "csv-unit-thousands",
        "net_migration_csv",
        lambda d: write(
            d / "n.csv",
            csv_bytes(MIG_HEADER, [mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "16", nam="Сальдо миграции(Тысяча человек)")]),
        ),
        "unexpected unit",
        row=2,
        column="NAM",
    ),
    # bureau XLSX (population layout)
    Bad("xlsx-zip-bomb", "population_xlsx", lambda d: zip_bomb(d / "bomb.xlsx", 201 << 20), "zip bomb"),
    Bad("xlsx-lying-zip-bomb", "population_xlsx", lambda d: lying_bomb(d / "liar.xlsx"), "Bad CRC"),
    Bad(
        "xlsx-broken-sheet-xml",
        "population_xlsx",
        lambda d: bad_sheet_xml(d / "broken.xlsx"),
        "cannot read sheet",
        sheet="Все население",
    ),
    Bad(
        "xlsx-not-a-zip",
        "population_xlsx",
        lambda d: write(d / "csv.xlsx", csv_bytes(MIG_HEADER, GOOD_MIG)),
        "not a zip archive",
    ),
    Bad(
        "xlsx-truncated",
        "population_xlsx",
        lambda d: write(d / "cut.xlsx", make_xlsx(d / "full.xlsx").read_bytes()[:3000]),
        "not a zip archive",
    ),
    Bad(
        "xlsx-merged-section-shifted",
        "population_xlsx",
        lambda d: make_xlsx(d / "shift.xlsx", shift_section=True),
        "values without a region label",
        row=4,
        column="A",
        sheet="Все население",
    ),
    Bad(
        "xlsx-unknown-region",
        "population_xlsx",
        lambda d: make_xlsx(d / "mars.xlsx", rows={**XLSX_ROWS, "Мужчины": [("Марсианская", [1, 2])]}),
        "unknown region label 'Марсианская'",
        row=4,
        column="A",
        sheet="Мужчины",
    ),
    Bad(
        "xlsx-missing-sheet",
        "population_xlsx",
        lambda d: make_xlsx(d / "two.xlsx", sheets=("Все население", "Мужчины")),
        "missing sheet 'Женщины'",
    ),
    Bad(
        "xlsx-header-without-years",
        "population_xlsx",
        lambda d: make_xlsx(d / "nohdr.xlsx", header=["двадцать второй", "двадцать третий"]),
        "no header row with years",
        sheet="Все население",
    ),
    Bad(
        "xlsx-repeated-year",
        "population_xlsx",
        lambda d: make_xlsx(d / "rep.xlsx", header=[2023, "2023 год"]),
        "a year repeats",
        row=3,
        sheet="Все население",
    ),
    Bad(
        "xlsx-stray-characters",
        "population_xlsx",
        lambda d: make_xlsx(d / "stray.xlsx", rows={**XLSX_ROWS, "Женщины": [("Республика Казахстан", [51, "5б"])]}),
        "unparsable value '5б'",
        row=4,
        column="C",
        sheet="Женщины",
    ),
    Bad(
        "xlsx-fractional-persons",
        "population_xlsx",
        lambda d: make_xlsx(d / "frac.xlsx", rows={**XLSX_ROWS, "Мужчины": [("Республика Казахстан", [49.5, 54])]}),
        "not a whole number",
        row=4,
        column="B",
        sheet="Мужчины",
    ),
]


def test_the_corpus_is_big_enough():
    assert len(BAD) >= 25 and len({b.id for b in BAD}) == len(BAD)


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_bad_input_names_source_and_place(bad: Bad, tmp_path):
    path = bad.make(tmp_path)
    assert path.stat().st_size < 2 << 20, "bad inputs stay small on disk"
    if bad.source == "pdf":
        with pytest.raises(DocumentError) as exc:
            extract_figures(path)
        msg = str(exc.value)
        assert msg.startswith(f"{path.name}: ")
    else:
        with pytest.raises(SourceError) as exc:
            parse_file(SRC[bad.source], path, {"vintage": "2026-01-01", "sha256": "0" * 64})
        e, msg = exc.value, str(exc.value)
        assert msg.startswith(f"{bad.source}: {path.name}"), msg
        assert (e.row, e.column, e.sheet) == (bad.row, bad.column, bad.sheet), msg
        if bad.row is not None:
            assert f"row {bad.row}" in msg
        if bad.column is not None:
            assert f"column {bad.column}" in msg
    assert bad.message in msg, msg
    assert "\n" not in msg and len(msg) < 600


# What the bureau really does and the parsers must take: parsed, with the right numbers.


def _obs(source: str, path: Path) -> dict:
    obs = parse_file(SRC[source], path, {"vintage": "2026-01-01", "sha256": "0" * 64})
    return {
        "n": len(obs),
        "stats": dict(obs.stats),
        "values": {(o["indicator"], o["region"], o["sex"], o["period"]): o["value"] for o in obs},
    }


def test_tolerated_variants_parse_to_the_right_numbers(tmp_path):
    base = _obs("net_migration_csv", good_csv(tmp_path / "good.csv"))
    assert base["n"] == 4 and base["values"][("net_migration", "KZ", "total", "2024")] == 16550
    # another encoding the bureau uses
    assert (
        _obs("net_migration_csv", write(tmp_path / "cp.csv", csv_bytes(MIG_HEADER, GOOD_MIG, "cp1251")))["values"]
        == base["values"]
    )
    # an extra classification column at its total
    extra = csv_bytes(
        MIG_HEADER[:-1] + ["ВОЗРАСТ", "LВОЗРАСТ", "VAL"], [r[:-1] + ["Всего", "0", r[-1]] for r in GOOD_MIG]
    )
    assert _obs("net_migration_csv", write(tmp_path / "x.csv", extra))["values"] == base["values"]
    # exact duplicates are counted, not doubled
    dup = _obs("net_migration_csv", write(tmp_path / "d.csv", csv_bytes(MIG_HEADER, GOOD_MIG + GOOD_MIG[:2])))
    assert dup["values"] == base["values"] and dup["stats"]["duplicates"] == 2
    # "x" (confidential, Latin or Cyrillic) and "…" (not available) are skipped and counted
    ph = _obs(
        "net_migration_csv",
        write(
            tmp_path / "ph.csv",
            csv_bytes(
                MIG_HEADER,
                [
                    mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "16 550"),
                    mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "x"),
                    mig(2023, "АКМОЛИНСКАЯ ОБЛАСТЬ", "х"),
                    mig(2023, "РЕСПУБЛИКА КАЗАХСТАН", "…"),
                ],
            ),
        ),
    )
    assert ph["n"] == 1 and ph["stats"]["confidential"] == 2 and ph["stats"]["missing"] == 1
    # XLSX: header rows moved down, an extra sheet
    xbase = _obs("population_xlsx", make_xlsx(tmp_path / "g.xlsx"))
    assert xbase["values"][("population", "110000000", "female", "2023-01-01")] == 21
    moved = _obs("population_xlsx", make_xlsx(tmp_path / "m.xlsx", header_row=9, extra_sheet=True))
    assert moved["values"] == xbase["values"] and moved["stats"]["sheets_ignored"] == 1


# ------------------------------------------------------------------------------ landing (kazmig fetch --from)


def test_bundle_landing_refuses_what_is_not_the_declared_format(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("KAZMIG_HOME", str(home))
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    write(bundle / "6567-net-migration-2026-01-01.csv", b"<!DOCTYPE html><html><body>Maintenance</body></html>")
    write(bundle / "102800-labour-force-2026-01-01.csv", b"")
    zip_bomb(bundle / "6584-population-2026-01-01.xlsx", 201 << 20)
    results = {r.source_id: r for r in land_from_dir(bundle, list(SRC.values()))}
    assert (
        results["net_migration_csv"].error
        == "rejected 6567-net-migration-2026-01-01.csv: an HTML page, not the data file"
    )
    assert results["labour_force_csv"].error.endswith("empty body")
    assert "zip bomb" in results["population_xlsx"].error
    assert all(r.outcome == "failed" for r in results.values())
    for s in SRC.values():
        assert landed_vintages(s) == []
        d = home / "raw" / "bns" / s.id
        assert not d.exists() or list(d.iterdir()) == []  # not even a temporary file


# ------------------------------------------------------------------------------ HTTP (kazmig fetch)


def _catalogue(path: Path, sources: list[dict]) -> Path:
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    doc["sources"] = sources
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def run(home: Path, *args: str, timeout: int = 600, **env: str) -> subprocess.CompletedProcess:
    full = home_env(home, clean=True, **env)
    return subprocess.run([str(BIN / "kazmig"), *args], env=full, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def http_bureau(tmp_path_factory):
    """The loopback bureau serving synthetic files (element 6567: a good CSV)."""
    folder = tmp_path_factory.mktemp("bureau")
    good_csv(folder / "6567-net-migration-2026-01-01.csv")
    srv = BnsServer(folder).start()
    yield srv
    srv.stop()


HTTP = [  # endpoint of bns_server.py, what the error says, extra settings
    ("flaky", "HTTP 500", {"KAZMIG_BNS_RETRIES": "0"}),
    ("slow", "time-out", {"KAZMIG_BNS_READ_TIMEOUT": "0.3", "KAZMIG_BNS_RETRIES": "0"}),
    ("missing", "HTTP 404", {}),
    ("html", "HTML page", {}),
    ("html-as-csv", "HTML page", {}),
    ("big", "over the cap", {"KAZMIG_BNS_MAX_BYTES": str(1 << 20)}),
    ("big-declared", "over the cap", {"KAZMIG_BNS_MAX_BYTES": str(1 << 20)}),
    ("loop", "redirect loop", {}),
    ("truncated", "truncated", {"KAZMIG_BNS_RETRIES": "0"}),
    ("offhost", "refusing host 'example.com'", {}),
]


@pytest.mark.parametrize("endpoint, message, env", HTTP, ids=[h[0] for h in HTTP])
def test_http_failure_lands_nothing(http_bureau, tmp_path, endpoint, message, env):
    assert BIG_BYTES > (1 << 20)
    sid = "t_" + endpoint.replace("-", "_")
    cat = _catalogue(
        tmp_path / "cat.yaml",
        [
            {
                "id": sid,
                "title": endpoint,
                "element_id": 6567,
                "format": "bns_csv",
                "period": "year",
                "url": "{base_url}/test/" + endpoint + "/{element_id}",
                "region": KATO,
                "indicator": "net_migration",
            }
        ],
    )
    home = tmp_path / "home"
    proc = run(
        home, "fetch", KAZMIG_CATALOGUE=str(cat), KAZMIG_BNS_BASE_URL=http_bureau.url, KAZMIG_BNS_BACKOFF="0.05", **env
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    [row] = [ln for ln in proc.stdout.splitlines() if ln.startswith(sid)]
    assert " failed " in row and message in row, row
    assert f"{http_bureau.url}/test/{endpoint}/6567" in row  # the URL that failed
    landed = home / "raw" / "bns" / sid
    assert not landed.exists() or list(landed.iterdir()) == []


def test_remote_file_names_never_reach_the_file_system(http_bureau, tmp_path):
    """The bureau's Content-Disposition says filename="../../<name>": recorded, sanitised, unused."""
    cat = _catalogue(
        tmp_path / "cat.yaml",
        [
            {
                "id": "net_migration_csv",
                "title": "t",
                "element_id": 6567,
                "format": "bns_csv",
                "period": "year",
                "region": KATO,
                "indicator": "net_migration",
            }
        ],
    )
    home = tmp_path / "home"
    proc = run(home, "fetch", KAZMIG_CATALOGUE=str(cat), KAZMIG_BNS_BASE_URL=http_bureau.url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = sorted(p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file())
    assert [f for f in files if not f.startswith("raw/bns/")] == ["warehouse/build/.lock"]  # the writer lock
    landed = [f for f in files if f.startswith("raw/bns/net_migration_csv/")]
    assert len(landed) == 2 and all(len(Path(f).stem) == 64 for f in landed), landed
    side = json.loads((home / next(f for f in landed if f.endswith(".json"))).read_text())
    assert side["original_name"] and "/" not in side["original_name"]
    assert not any(p.name.startswith("6567-") for p in tmp_path.rglob("*") if p.parent != http_bureau.folder)


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"id": "../../etc"}, "bad or missing id"),
        ({"id": "x", "element_id": "6567/../../1"}, "element_id must be a number"),
        ({"id": "x", "url": "file:///etc/passwd"}, "must contain {base_url}"),
    ],
    ids=["id-traversal", "element-id-traversal", "file-url"],
)
def test_catalogue_refuses_paths_and_schemes(tmp_path, entry, message):
    base = {
        "title": "t",
        "element_id": 6567,
        "format": "bns_csv",
        "period": "year",
        "region": KATO,
        "indicator": "net_migration",
    }
    cat = _catalogue(tmp_path / "cat.yaml", [{**base, **entry}])
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(cat)


# ------------------------------------------------------------------------------ through a real build


@pytest.fixture(scope="module")
def good_home(tmp_path_factory):
    """One good build with a tiny catalogue (a CSV and an XLSX source) and synthetic bureau files."""
    root = tmp_path_factory.mktemp("bad_inputs")
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    doc["sources"] = [s for s in doc["sources"] if s["id"] in ("net_migration_csv", "population_xlsx")]
    cat = root / "catalogue.yaml"
    cat.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    bundle = root / "bundle"
    bundle.mkdir()
    good_csv(bundle / "6567-net-migration-2026-01-01.csv")
    make_xlsx(bundle / "6584-population-2026-01-01.xlsx")
    home = root / "home"
    (home / "raw" / "documents").mkdir(parents=True)
    shutil.copyfile(NOTE, home / "raw" / "documents" / NOTE.name)
    env = {"KAZMIG_CATALOGUE": str(cat)}
    proc = run(home, "fetch", "--from", str(bundle), **env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run(home, "build", "--offline", **env)
    assert proc.returncode == 0 and "kazmig build succeeded" in proc.stdout, proc.stdout + proc.stderr
    return home, env


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _land_directly(home: Path, source_id: str, path: Path) -> list[Path]:
    """Put a file where `kazmig fetch` would have landed it, with its sidecar (the parser path)."""
    digest = sha(path)
    folder = home / "raw" / "bns" / source_id
    target = folder / f"{digest}{path.suffix}"
    shutil.copyfile(path, target)
    side = folder / f"{digest}.json"
    side.write_text(
        json.dumps(
            {
                "source_id": source_id,
                "vintage": "2026-06-01",
                "sha256": digest,
                "retrieved_at": "2026-06-01T00:00:00Z",
                "ext": path.suffix.lstrip("."),
                "file": target.name,
                "via": "bundle",
                "original_name": path.name,
            }
        )
    )
    return [target, side]


BUILD_CASES = [
    ("pdf-encrypted", None, "locked.pdf", "encrypted PDF"),
    ("csv-unknown-region", "net_migration_csv", None, "row 4, column КАТО(по каталогу): unknown region label"),
    ("xlsx-unknown-region", "population_xlsx", None, "sheet 'Мужчины' row 4, column A: unknown region label"),
]


@pytest.mark.slow  # real builds
@pytest.mark.parametrize("bad_id, source_id, name, message", BUILD_CASES, ids=[c[0] for c in BUILD_CASES])
def test_bad_input_fails_the_build_and_publishes_nothing(good_home, tmp_path, bad_id, source_id, name, message):
    home, env = good_home
    target = home / "warehouse" / "kazmig.duckdb"
    before = sha(target)
    bad = next(b for b in BAD if b.id == bad_id).make(tmp_path)
    if source_id is None:
        placed = [home / "raw" / "documents" / bad.name]
        shutil.copyfile(bad, placed[0])
    else:
        placed = _land_directly(home, source_id, bad)
    try:
        proc = run(home, "build", "--offline", **env)
    finally:
        for p in placed:
            p.unlink()
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "kazmig build FAILED" in out and "(not published by this build)" in out
    place = bad.name if source_id is None else f"bns/{source_id}/{sha(bad)}{bad.suffix}"
    hits = [ln for ln in out.splitlines() if place in ln and message in ln]
    assert hits, f"no line names {place!r} with {message!r}:\n{out}"
    assert sha(target) == before
    assert not list(target.parent.glob(".kazmig.duckdb.*"))


# ------------------------------------------------------------------------------ kazmig query stays inside
# (test_query_export.py covers read_csv, COPY, ATTACH, SET, CREATE TABLE, INSTALL)


@pytest.mark.slow  # on the home `good_home` builds
@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_text('/etc/passwd')",
        "select * from glob('/etc/*')",
        "select * from sniff_csv('/etc/passwd')",
        "export database '{out}'",
        "load '{out}/x.duckdb_extension'",
        "select * from duckdb_secrets()",
    ],
    ids=["read_text", "glob", "sniff_csv", "export-database", "load-extension", "secrets-dir"],
)
def test_query_cannot_touch_files(good_home, tmp_path, sql):
    home, env = good_home
    out = tmp_path / "out"
    proc = run(home, "query", sql.format(out=out), **env)
    assert proc.returncode != 0, proc.stdout
    assert proc.stderr.startswith("kazmig query: ") and len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists()
