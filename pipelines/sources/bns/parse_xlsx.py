"""The bureau's XLSX: title rows, years across a header row, one row per region, merged section rows
("Городское население"), "-" before a region existed, footnotes at the bottom, several sheets."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipelines import settings
from pipelines.sources.bns.catalogue import Source
from pipelines.sources.bns.common import Builder, Observations, SourceError, classify_region, norm, year_of

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all parts together
MAX_PARTS = 5000
# The bureau's sheets are a few dozen rows by a few dozen years; a sheet far beyond that (one
# stray cell in XFD1048576) would cost minutes and gigabytes to walk.
MAX_ROWS = 20_000
MAX_COLS = 500
_FOOTNOTE = re.compile(r"^\s*(\d+\s*\)|\(\d+\)|\*|примечани|источник|note|source)", re.IGNORECASE)


def max_uncompressed() -> int:
    return settings.env().bns_max_xlsx_uncompressed or MAX_UNCOMPRESSED


def check_xlsx_zip(path: Path, limit: int | None = None) -> None:
    """Raise ValueError unless path is a zip holding xl/workbook.xml whose parts stay under the cap.

    Guards against zip bombs: the declared uncompressed sizes are summed before anything is
    decompressed (zipfile refuses to inflate a part beyond its declared size).
    """
    limit = limit or max_uncompressed()
    if not zipfile.is_zipfile(path):
        raise ValueError("not an XLSX file (not a zip archive)")
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        if len(infos) > MAX_PARTS:
            raise ValueError(f"XLSX has {len(infos)} parts (cap {MAX_PARTS})")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise ValueError("not an XLSX file (no xl/workbook.xml in the archive)")
        total = 0
        for info in infos:
            total += info.file_size
            if total > limit:
                raise ValueError(f"XLSX parts uncompress to more than {limit} bytes (zip bomb?)")


def parse_xlsx(source: Source, path: Path, meta: dict[str, Any] | None = None) -> Observations:
    b = Builder(source, path, meta)
    try:
        check_xlsx_zip(Path(path))
    except (ValueError, zipfile.BadZipFile) as e:
        raise b.error(str(e)) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles/extensions it skips
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for broken files
            raise b.error(f"cannot open workbook: {type(e).__name__}: {e}") from None
    try:
        present = {norm(ws.title): ws for ws in wb.worksheets}
        wanted = {norm(name): (name, spec) for name, spec in source.sheets.items()}
        for key, (name, _) in wanted.items():
            if key not in present:
                raise b.error(f"missing sheet {name!r} (workbook has {', '.join(ws.title for ws in wb.worksheets)})")
        for ws in wb.worksheets:
            key = norm(ws.title)
            if key not in wanted:
                b.out.stats["sheets_ignored"] += 1
                continue
            try:
                _parse_sheet(b, source, ws, wanted[key][1].sex)
            except SourceError:
                raise
            except Exception as e:  # read-only sheets are parsed lazily: a broken part fails here
                raise b.error(f"cannot read sheet: {type(e).__name__}: {e}", sheet=ws.title) from None
    finally:
        wb.close()
    return b.out


def _header(rows: list[tuple]) -> tuple[int, dict[int, int]] | None:
    """(index into rows, {column index: year}) of the first row whose filled cells after the
    first are all years."""
    for r, row in enumerate(rows):
        filled = [(i, v) for i, v in enumerate(row) if v is not None and str(v).strip() != ""]
        year_cols = {i: year_of(v) for i, v in filled if year_of(v) is not None}
        others = [i for i, v in filled if i not in year_cols]
        if year_cols and len(others) <= 1 and all(i < min(year_cols) for i in others):
            return r, year_cols
    return None


def _bounded_rows(b: Builder, ws) -> list[tuple]:
    """The sheet's rows (row i+1 is rows[i]), refusing a sheet larger than MAX_ROWS × MAX_COLS,
    whether its <dimension> says so or its cells do."""
    sheet = ws.title
    declared = (ws.max_row or 0, ws.max_column or 0)
    if declared[0] > MAX_ROWS or declared[1] > MAX_COLS:
        raise b.error(
            f"the sheet spans {ws.calculate_dimension()} ({declared[0]} rows × {declared[1]} columns; "
            f"kazmig reads at most {MAX_ROWS} × {MAX_COLS})",
            sheet=sheet,
        )
    try:
        ws.reset_dimensions()  # trust the cells, not a stale <dimension>
    except AttributeError:
        pass
    rows = []
    for r in ws.iter_rows(values_only=True):
        if len(rows) >= MAX_ROWS:
            raise b.error(f"more than {MAX_ROWS} rows (kazmig reads at most {MAX_ROWS} × {MAX_COLS})", sheet=sheet)
        if len(r) > MAX_COLS:
            if any(v is not None for v in r[MAX_COLS:]):
                raise b.error(
                    f"a cell beyond column {get_column_letter(MAX_COLS)} "
                    f"(kazmig reads at most {MAX_ROWS} × {MAX_COLS})",
                    row=len(rows) + 1,
                    sheet=sheet,
                )
            r = r[:MAX_COLS]
        rows.append(tuple(r))
    return rows


_THOUSANDS = re.compile(r"тыс\.|тысяч", re.IGNORECASE)


def _check_title(b: Builder, source: Source, rows: list[tuple], header: int, sheet: str) -> None:
    """The text above the header: the title must be the catalogue's table, the unit its unit."""
    texts = [str(v).strip() for row in rows[:header] for v in row if isinstance(v, str) and v.strip()]
    if texts and source.title_pattern and not re.search(source.title_pattern, texts[0], re.IGNORECASE):
        raise b.error(
            f"the sheet's title {texts[0]!r} does not match the catalogue's title_pattern "
            f"{source.title_pattern!r}: not the table the catalogue describes",
            sheet=sheet,
        )
    for text in texts:
        if source.unit == "persons" and _THOUSANDS.search(text):
            raise b.error(f"unexpected unit {text!r} (catalogue says {source.unit})", sheet=sheet)


def _parse_sheet(b: Builder, source: Source, ws, sex: str) -> None:
    sheet = ws.title
    rows = _bounded_rows(b, ws)
    found = _header(rows)
    if not found:
        raise b.error("no header row with years found", sheet=sheet)
    h, year_cols = found
    _check_title(b, source, rows, h, sheet)
    ys = list(year_cols.values())
    if len(set(ys)) != len(ys):
        raise b.error("a year repeats in the header row", row=h + 1, sheet=sheet)
    first_year_col = min(year_cols)
    if first_year_col == 0:
        raise b.error("no label column left of the years", row=h + 1, sheet=sheet)
    # the label column: of those left of the years, the one with the most text below the header
    counts = {
        i: sum(1 for row in rows[h + 1 :] if i < len(row) and isinstance(row[i], str) and row[i].strip())
        for i in range(first_year_col)
    }
    label_i = max(counts, key=lambda i: (counts[i], -i))
    label_col = get_column_letter(label_i + 1)

    sections = {norm(k): v for k, v in source.sections.items() if k is not None}
    indicator = source.sections.get(None) or source.indicator
    labels: dict[str, tuple[str, str | None]] = {}
    for r in range(h + 1, len(rows)):
        row = rows[r]
        line = r + 1
        label = row[label_i] if label_i < len(row) else None
        cells = [(i, row[i] if i < len(row) else None) for i in sorted(year_cols)]
        has_values = any(v is not None and str(v).strip() != "" for _, v in cells)
        text = "" if label is None else str(label)
        if not text.strip():
            if has_values:
                raise b.error("values without a region label", line, label_col, sheet)
            continue
        if not has_values and norm(text) in sections:
            indicator = sections[norm(text)]
            continue
        if not has_values and _FOOTNOTE.match(text):
            b.out.stats["notes"] += 1
            continue
        if text not in labels:
            labels[text] = classify_region(source, text)
        kind, code = labels[text]
        if kind == "district":
            b.out.stats["districts"] += 1
            continue
        if kind == "unknown":
            what = "unknown region label" if has_values else "unknown region or section label"
            raise b.error(f"{what} {text!r}", line, label_col, sheet)
        if indicator is None:
            raise b.error("a region row before any section (catalogue maps no indicator here)", line, label_col, sheet)
        for i, raw in cells:
            b.add_cell(
                raw,
                row=line,
                col=get_column_letter(i + 1),
                sheet=sheet,
                indicator=indicator,
                region=code,
                region_label=text,
                sex=sex,
                year=year_cols[i],
            )
