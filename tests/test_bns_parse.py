"""The bureau parsers on small synthetic files written by the tests (CSV, XLSX, JSON)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from conftest import MIG_HEADER, POP_HEADER
from pipelines.sources.bns import OBSERVATION_KEYS, SourceError, load_catalogue, parse_file

SRC = {s.id: s for s in load_catalogue()}


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = True, encoding="utf-8") -> Path:
    lines = ["\t".join(f'"{c}"' for c in r) for r in [header, *rows]]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def mig(year: int, label: str, val: str, sptm="Всего", kn="Всего", sp="Всего") -> list[str]:
    return [
        "Сальдо миграции по всем потокам(Человек)",
        f"{year} год",
        f"{year}12",
        label,
        "0",
        sptm,
        "0",
        kn,
        "0",
        sp,
        "0",
        val,
    ]


def pop(year: int, label: str, val: str, sptm="Всего", sp="Всего", sgnl="Все группы") -> list[str]:
    return [
        "Численность населения на начало периода(Человек)",
        f"{year} год",
        f"{year}12",
        label,
        "0",
        sptm,
        "0",
        sp,
        "0",
        sgnl,
        "0",
        val,
    ]


def index(obs):
    return {(o["indicator"], o["region"], o["sex"], o["period"]): o for o in obs}


# ---------------------------------------------------------------------------------------------- CSV


def test_csv_bom_negatives_confidential_districts_and_totals(tmp_path):
    f = write_csv(
        tmp_path / "6567.csv",
        MIG_HEADER,
        [
            mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "16 550"),  # line 2
            mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "-5 561"),  # 3
            mig(2024, "АККОЛЬСКИЙ РАЙОН", "-100"),  # 4 district
            mig(2024, "КОКШЕТАУ Г.А.", "12"),  # 5 town
            mig(2024, "РАЙОН БИРЖАН САЛ", "x"),  # 6 district
            mig(2024, "Г.А.АЛАТАУ", "7"),  # 7 town
            mig(2024, "Г.АСТАНА", "x"),  # 8 confidential
            mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "9 000", sptm="городская местность"),  # 9 not a total
            mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "8 000", sp="Мужчины"),  # 10 not a total
            mig(2023, "ОБЛАСТЬ ЖЕТІСУ", "1 234 567"),  # 11
        ],
    )
    obs = parse_file(SRC["net_migration_csv"], f, {"vintage": "2026-09-30", "sha256": "abc"})
    assert all(tuple(o) == OBSERVATION_KEYS for o in obs)
    got = index(obs)
    assert got[("net_migration", "KZ", "total", "2024")]["value"] == 16550
    akm = got[("net_migration", "110000000", "total", "2024")]
    assert akm["value"] == -5561 and akm["row"] == 3 and akm["col"] == "VAL"
    assert akm["region_label"] == "АКМОЛИНСКАЯ ОБЛАСТЬ" and akm["file_name"] == "6567.csv"
    assert (akm["period_start"], akm["period_end"], akm["vintage"], akm["file_sha256"]) == (
        "2024-01-01",
        "2024-12-31",
        "2026-09-30",
        "abc",
    )
    assert got[("net_migration", "330000000", "total", "2023")]["value"] == 1234567
    assert len(obs) == 3
    assert obs.stats["districts"] == 4 and obs.stats["confidential"] == 1 and obs.stats["not_total"] == 2


def test_csv_population_maps_urban_rural_sex_and_start_of_period(tmp_path):
    f = write_csv(
        tmp_path / "6584.csv",
        POP_HEADER,
        [
            pop(2025, "АКМОЛИНСКАЯ ОБЛАСТЬ", "787 263"),
            pop(2025, "АКМОЛИНСКАЯ ОБЛАСТЬ", "400 000", sptm="городская местность"),
            pop(2025, "АКМОЛИНСКАЯ ОБЛАСТЬ", "387 263", sptm="сельская местность"),
            pop(2025, "АКМОЛИНСКАЯ ОБЛАСТЬ", "380 000", sp="Мужчины"),
            pop(2025, "АКМОЛИНСКАЯ ОБЛАСТЬ", "1", sgnl="0-4 года"),
        ],
        bom=False,
    )
    got = index(parse_file(SRC["population_csv"], f))
    assert got[("population", "110000000", "total", "2025-01-01")]["value"] == 787263
    assert got[("population_urban", "110000000", "total", "2025-01-01")]["value"] == 400000
    assert got[("population_rural", "110000000", "total", "2025-01-01")]["period_end"] == "2025-01-01"
    assert got[("population", "110000000", "male", "2025-01-01")]["value"] == 380000
    assert len(got) == 4


def test_csv_cp1251_is_read(tmp_path):
    f = write_csv(tmp_path / "6567.csv", MIG_HEADER, [mig(2024, "Г.АЛМАТЫ", "10")], bom=False, encoding="cp1251")
    [o] = parse_file(SRC["net_migration_csv"], f)
    assert o["region"] == "750000000"


def test_csv_unknown_region_label_names_file_row_and_column(tmp_path):
    f = write_csv(
        tmp_path / "6567.csv", MIG_HEADER, [mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "1"), mig(2024, "ОБЛАСТЬ ЛУНА", "2")]
    )
    with pytest.raises(SourceError) as e:
        parse_file(SRC["net_migration_csv"], f)
    assert (
        str(e.value)
        == "net_migration_csv: 6567.csv row 3, column КАТО(по каталогу): unknown region label 'ОБЛАСТЬ ЛУНА'"
    )
    assert (e.value.row, e.value.column, e.value.file) == (3, "КАТО(по каталогу)", "6567.csv")


def test_csv_unparsable_value(tmp_path):
    rows = [mig(2000 + i, "АКМОЛИНСКАЯ ОБЛАСТЬ", str(i)) for i in range(15)] + [mig(2024, "Г.АСТАНА", "12a4")]
    f = write_csv(tmp_path / "6567.csv", MIG_HEADER, rows)
    with pytest.raises(SourceError) as e:
        parse_file(SRC["net_migration_csv"], f)
    assert str(e.value) == "net_migration_csv: 6567.csv row 17, column VAL: unparsable value '12a4'"


@pytest.mark.parametrize(
    "source_id, header, drop",
    [
        ("net_migration_csv", MIG_HEADER, "VAL"),
        ("net_migration_csv", MIG_HEADER, "КАТО(по каталогу)"),
        ("population_csv", POP_HEADER, "СПТМ (по каталогу)"),
    ],
)
def test_csv_missing_or_renamed_column(tmp_path, source_id, header, drop):
    i = header.index(drop)
    renamed = [h if h != drop else drop + " (новый)" for h in header]
    row = (mig if source_id == "net_migration_csv" else pop)(2024, "Г.АСТАНА", "1")
    f = write_csv(tmp_path / "t.csv", renamed, [row])
    with pytest.raises(SourceError) as e:
        parse_file(SRC[source_id], f)
    assert f"{source_id}: t.csv row 1, column {drop}: missing column" in str(e.value)
    assert i >= 0


def test_csv_unexpected_unit_and_conflicting_duplicates(tmp_path):
    row = mig(2024, "Г.АСТАНА", "1")
    row[0] = "Сальдо миграции(Тысяча человек)"
    with pytest.raises(SourceError, match="unexpected unit"):
        parse_file(SRC["net_migration_csv"], write_csv(tmp_path / "a.csv", MIG_HEADER, [row]))
    f = write_csv(tmp_path / "b.csv", MIG_HEADER, [mig(2024, "Г.АСТАНА", "1"), mig(2024, "г. Астана", "2")])
    with pytest.raises(SourceError, match="row 3.*conflicting duplicate"):
        parse_file(SRC["net_migration_csv"], f)


def test_csv_unsupported_period(tmp_path):
    row = mig(2024, "Г.АСТАНА", "1")
    row[1], row[2] = "январь-март 2024", "202403"
    with pytest.raises(SourceError, match="row 2, column DAT: unsupported period"):
        parse_file(SRC["net_migration_csv"], write_csv(tmp_path / "a.csv", MIG_HEADER, [row]))


# --------------------------------------------------------------------------------------------- XLSX

YEARS = [2021, 2022, "2023 год"]


def _sheet(
    ws,
    title: str,
    header_row: int,
    blocks: list[tuple[str | None, list[tuple[str, list]]]],
    footnote: str | None = "1) Данные за 2000-2016гг. по Южно-Казахстанской области.",
):
    ws.title = title
    ws.cell(1, 1, f"Численность населения: {title}")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.cell(header_row - 1, 3, "человек, на начало года")
    ws.merge_cells(start_row=header_row - 1, start_column=3, end_row=header_row - 1, end_column=4)
    for j, y in enumerate(YEARS):
        ws.cell(header_row, 2 + j, y)
    r = header_row + 1
    for section, rows in blocks:
        if section:
            ws.cell(r, 1, section)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
            r += 1
        for label, values in rows:
            ws.cell(r, 1, label)
            for j, v in enumerate(values):
                ws.cell(r, 2 + j, v)
            r += 1
    if footnote:
        ws.cell(r + 1, 1, footnote)
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=4)


def make_xlsx(path: Path, *, all_rows=None, men=True, women=True, extra_sheet=True) -> Path:
    wb = Workbook()
    _sheet(
        wb.active,
        "Все население",
        4,
        [
            (
                None,
                all_rows
                or [
                    ("Республика Казахстан ", [100, 110, 120]),
                    ("Акмолинская", [40, 41, 42]),
                    ("Туркестанская 1)", [60, 69, 78]),
                    ("Абай", ["-", "-", 0]),
                ],
            ),
            ("Городское население", [("Республика Казахстан ", [70, 75, 80]), ("г. Астана", [70, 75, 80])]),
            ("Сельское население", [("Республика Казахстан ", [30, 35, 40])]),
        ],
    )
    if men:
        _sheet(
            wb.create_sheet(),
            "Мужчины",
            3,
            [("Мужчины", [("Республика Казахстан ", [49, 54, 59]), ("Акмолинская", [19, 20, 21])])],
        )
    if women:
        _sheet(
            wb.create_sheet(),
            "Женщины",
            6,
            [("Женщины", [("Республика Казахстан", [51, 56, "61"]), ("Акмолинская ", [21, 21, "x"])])],
            footnote=None,
        )
    if extra_sheet:
        wb.create_sheet("Диаграмма").cell(1, 1, "график")
    wb.save(path)
    return path


def test_xlsx_titles_merged_sections_dashes_footnotes_and_sheets(tmp_path):
    f = make_xlsx(tmp_path / "6584.xlsx")
    obs = parse_file(SRC["population_xlsx"], f, {"vintage": "2023-07-21"})
    got = index(obs)
    assert all(tuple(o) == OBSERVATION_KEYS for o in obs)
    akm = got[("population", "110000000", "total", "2023-01-01")]
    assert akm["value"] == 42 and akm["sheet"] == "Все население" and akm["row"] == 6 and akm["col"] == "D"
    assert akm["format"] == "bns_xlsx" and akm["vintage"] == "2023-07-21" and akm["region_label"] == "Акмолинская"
    assert got[("population", "610000000", "total", "2021-01-01")]["region_label"] == "Туркестанская 1)"
    assert got[("population", "KZ", "total", "2022-01-01")]["value"] == 110
    assert got[("population_urban", "710000000", "total", "2023-01-01")]["value"] == 80
    assert got[("population_rural", "KZ", "total", "2021-01-01")]["value"] == 30
    assert ("population", "100000000", "total", "2021-01-01") not in got  # "-"
    assert got[("population", "100000000", "total", "2023-01-01")]["value"] == 0
    assert got[("population", "KZ", "male", "2023-01-01")]["value"] == 59
    assert got[("population", "110000000", "female", "2022-01-01")]["value"] == 21
    assert got[("population", "KZ", "female", "2023-01-01")]["value"] == 61  # a number stored as text
    assert ("population", "110000000", "female", "2023-01-01") not in got  # "x"
    assert obs.stats["missing"] == 2 and obs.stats["confidential"] == 1
    assert obs.stats["notes"] == 2 and obs.stats["sheets_ignored"] == 1
    assert {o["sex"] for o in obs} == {"total", "male", "female"}


def test_xlsx_unknown_label_and_unparsable_value(tmp_path):
    f = make_xlsx(tmp_path / "bad.xlsx", all_rows=[("Республика Казахстан ", [1, 2, 3]), ("Марс", [1, 2, 3])])
    with pytest.raises(SourceError) as e:
        parse_file(SRC["population_xlsx"], f)
    assert (
        str(e.value) == "population_xlsx: bad.xlsx sheet 'Все население' row 6, column A: unknown region label 'Марс'"
    )
    f = make_xlsx(tmp_path / "bad2.xlsx", all_rows=[("Республика Казахстан ", [1, "12a4", 3])])
    with pytest.raises(SourceError, match=r"bad2.xlsx sheet 'Все население' row 5, column C: unparsable value '12a4'"):
        parse_file(SRC["population_xlsx"], f)


def test_xlsx_unknown_section_is_an_error_not_silently_merged(tmp_path):
    f = make_xlsx(
        tmp_path / "s.xlsx",
        all_rows=[
            ("Республика Казахстан ", [1, 2, 3]),
            ("Население моложе трудоспособного", []),
            ("Акмолинская", [1, 2, 3]),
        ],
    )
    with pytest.raises(SourceError, match="row 6, column A: unknown region or section label"):
        parse_file(SRC["population_xlsx"], f)


def test_xlsx_missing_sheet_and_missing_header(tmp_path):
    with pytest.raises(SourceError, match="missing sheet 'Женщины'"):
        parse_file(SRC["population_xlsx"], make_xlsx(tmp_path / "a.xlsx", women=False))
    wb = Workbook()
    wb.active.title = "Все население"
    wb.active.cell(1, 1, "Численность населения")
    wb.active.cell(2, 1, "Акмолинская")
    wb.active.cell(2, 2, 5)
    for name in ("Мужчины", "Женщины"):
        wb.create_sheet(name)
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(SourceError, match="no header row with years"):
        parse_file(SRC["population_xlsx"], tmp_path / "b.xlsx")


def test_xlsx_zip_bomb_and_non_zip_rejected(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    monkeypatch.setenv("KAZMIG_BNS_MAX_XLSX_UNCOMPRESSED", str(1024 * 1024))
    with pytest.raises(SourceError, match="zip bomb"):
        parse_file(SRC["population_xlsx"], bomb)
    (tmp_path / "no.xlsx").write_text("NAM\tVAL\n")
    with pytest.raises(SourceError, match="not a zip"):
        parse_file(SRC["population_xlsx"], tmp_path / "no.xlsx")


# --------------------------------------------------------------------------------------------- JSON


def json_source(tmp_path: Path):
    doc = {
        "sources": [
            {
                "id": "population_json",
                "title": "t",
                "element_id": 6584,
                "format": "bns_json",
                "period": "start",
                "terms": ["КАТО", "СПТМ", "СП"],
                "region": "КАТО",
                "dimensions": {
                    "СПТМ": {
                        "role": "indicator",
                        "map": {"Всего": "population", "городская местность": "population_urban"},
                    }
                },
            }
        ]
    }
    p = tmp_path / "cat.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_catalogue(p)[0]


def item(label, sptm, periods, sp="Всего"):
    return {
        "terms": ["1", "2", "3"],
        "termNames": [label, sptm, sp],
        "periods": [{"name": f"{y} год", "date": f"31.12.{y}", "value": v} for y, v in periods],
    }


def test_json_values_confidential_districts_and_mapping(tmp_path):
    src = json_source(tmp_path)
    f = tmp_path / "6584.json"
    f.write_text(
        json.dumps(
            [
                item("АКМОЛИНСКАЯ ОБЛАСТЬ", "Всего", [(2024, "787 976"), (2025, "x")]),
                item("РЕСПУБЛИКА КАЗАХСТАН", "городская местность", [(2024, "12 000 000")]),
                item("РАЙОН БИРЖАН САЛ", "Всего", [(2024, "1")]),
                item("Г.АСТАНА", "Всего", [(2024, "5")], sp="Женщины"),
                item("Г.АСТАНА", "сельская местность", [(2024, "5")]),
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    obs = parse_file(src, f)
    got = index(obs)
    akm = got[("population", "110000000", "total", "2024-01-01")]
    assert akm["value"] == 787976 and akm["row"] == 1 and akm["col"] == "periods[0].value" and akm["sheet"] is None
    assert got[("population_urban", "KZ", "total", "2024-01-01")]["value"] == 12_000_000
    assert len(obs) == 2
    assert obs.stats["confidential"] == 1 and obs.stats["districts"] == 1
    assert obs.stats["not_total"] == 1 and obs.stats["unmapped"] == 1


def test_json_errors(tmp_path):
    src = json_source(tmp_path)
    f = tmp_path / "6584.json"
    f.write_text(
        json.dumps(
            [item("Г.АСТАНА", "Всего", [(2024, "5")]), item("АТЛАНТИДА", "Всего", [(2024, "5")])], ensure_ascii=False
        ),
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"6584.json row 2, column termNames\[0\]: unknown region label 'АТЛАНТИДА'"):
        parse_file(src, f)
    f.write_text(json.dumps([item("Г.АСТАНА", "Всего", [(2024, "5"), (2025, "5,5,5")])], ensure_ascii=False))
    with pytest.raises(SourceError, match=r"row 1, column periods\[1\].value: unparsable value '5,5,5'"):
        parse_file(src, f)
    f.write_text(json.dumps({"data": []}))
    with pytest.raises(SourceError, match="expected a JSON list"):
        parse_file(src, f)
