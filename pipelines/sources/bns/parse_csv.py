"""The bureau's CSV: tab-separated, every field quoted, maybe a BOM; NAM, DAT, PERIOD, classification
columns with paired L-columns, VAL. Rows unsorted; districts and towns mixed in with the regions."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipelines.sources.bns.catalogue import Source
from pipelines.sources.bns.common import Builder, Observations, classify_region, norm, parse_value, year_of

UNIT_WORDS = {"persons": {"человек", "человека", "чел", "чел."}}
_UNIT = re.compile(r"\(([^()]*)\)\s*$")


def decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(enc).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", data[:1], 0, 1, "neither UTF-8 nor CP1251")


def read_header(text: str) -> list[str]:
    first = next(csv.reader(io.StringIO(text, newline=""), delimiter="\t"), [])
    return [h.strip().lstrip("\ufeff") for h in first]


def _check_nam(b: Builder, source: Source, nam: str, unit_words: set[str] | None, line: int) -> None:
    """NAM states the indicator and its unit: they must be the catalogue's, or the file is
    another table (a bundle file named with the wrong element id, a server mix-up)."""
    m = _UNIT.search(nam)
    if m and unit_words and norm(m.group(1)) not in unit_words:
        raise b.error(f"unexpected unit {m.group(1)!r} (catalogue says {source.unit})", line, "NAM")
    text = nam[: m.start()] if m else nam
    if source.nam is not None and norm(text) != norm(source.nam):
        raise b.error(
            f"the file states {text.strip()!r}, not {source.nam!r}: not the table the catalogue "
            f"describes for element {source.element_id}",
            line,
            "NAM",
        )


def _read_text(b: Builder, data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        # UTF-8 that breaks off inside its last character is a cut download, not CP1251
        if e.reason == "unexpected end of data" and e.end == len(data) and len(data) - e.start < 4:
            raise b.error("truncated: the file ends inside a UTF-8 character", row=data.count(b"\n") + 1) from None
        # UTF-8 text up to a bad byte (its Cyrillic header read as UTF-8) is a UTF-8 file with one
        # broken byte, not CP1251: say where it is rather than misread the whole file
        if e.start and max(data[: e.start]) >= 0x80:
            raise b.error(
                f"invalid UTF-8 byte 0x{data[e.start]:02x} at byte {e.start}", row=data.count(b"\n", 0, e.start) + 1
            ) from None
    try:
        return decode(data)
    except UnicodeDecodeError:
        raise b.error("not UTF-8 or CP1251 text", row=1) from None


def _read_columns(b: Builder, source: Source, reader: Any) -> tuple[list[str], dict[str, int], Iterable[list[str]]]:
    """The header, checked against the catalogue, and the rows after it (the first row's NAM is
    judged before the columns the catalogue expects, so a wrong table is named as such)."""
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise b.error("empty file", row=1) from None
    index = {h: i for i, h in enumerate(header)}
    listed = ", ".join(h[:40] for h in header[:16]) + (", …" if len(header) > 16 else "")
    for col in list(source.required_columns) + [source.region] + list(source.dimensions):
        if col not in index:
            raise b.error(f"missing column (header has {listed})", row=1, column=col)
    rows: Iterable[list[str]] = reader
    if "NAM" in index:  # the first row says which table this is, before its columns are judged
        first = next(reader, None)
        if first and len(first) > index["NAM"]:
            _check_nam(b, source, first[index["NAM"]], UNIT_WORDS.get(source.unit), reader.line_num)
        rows = itertools.chain([first] if first is not None else [], reader)  # line_num stays right

    for col in source.columns or ():
        if col not in index:
            raise b.error(
                f"missing column (header has {listed}): not the table the catalogue describes "
                f"for element {source.element_id}",
                row=1,
                column=col,
            )
    return header, index, rows


def _mark_totals(row: list[str], others: list[tuple[str, int]], totals: set[str], at_total: dict[str, bool]) -> bool:
    """Whether every unmapped classification column is at its total; records which ones ever are."""
    skip = False
    for h, i in others:
        if norm(row[i]) in totals:
            at_total[h] = True
        else:
            skip = True
    return not skip


def _region(
    b: Builder, source: Source, labels: dict[str, tuple[str, str | None]], label: str, line: int
) -> tuple[str, str | None]:
    """The label's kind and code, each label classified once (`labels` caches them)."""
    if label not in labels:
        labels[label] = classify_region(source, label)
    kind, code = labels[label]
    if kind == "unknown":
        raise b.error(f"unknown region label {label!r}", line, source.region)
    return kind, code


def _year(b: Builder, row: list[str], dat_i: int, period_i: int | None, line: int) -> int:
    year = year_of(row[dat_i])
    if year is None:
        raise b.error(f"unsupported period {row[dat_i]!r} (expected 'YYYY год')", line, "DAT")
    if period_i is not None and row[period_i].strip() not in (f"{year}12", f"{year}"):
        raise b.error(f"period code {row[period_i]!r} does not match {row[dat_i]!r}", line, "PERIOD")
    return year


def parse_csv(source: Source, path: Path, meta: dict[str, Any] | None = None) -> Observations:
    b = Builder(source, path, meta)
    text = _read_text(b, Path(path).read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')
    header, index, rows = _read_columns(b, source, reader)
    unit_words = UNIT_WORDS.get(source.unit)

    region_i, val_i = index[source.region], index["VAL"]
    dat_i, period_i, nam_i = index.get("DAT"), index.get("PERIOD"), index.get("NAM")
    if dat_i is None:
        raise b.error("missing column", row=1, column="DAT")

    ind = source.dimension_for("indicator")
    sex = source.dimension_for("sex")
    ind_i = index[ind[0]] if ind else None
    ind_map = {norm(k): v for k, v in (ind[1] if ind else {}).items()}
    sex_i = index[sex[0]] if sex else None
    sex_map = {norm(k): v for k, v in (sex[1] if sex else {}).items()}

    special = {"NAM", "DAT", "PERIOD", "VAL", source.region, *source.dimensions}
    names = set(header)
    totals = {norm(t) for t in source.total_labels}
    # classification columns the catalogue does not map: they must be at their total
    others = [
        (h, i) for i, h in enumerate(header) if h not in special and not (h.startswith("L") and h[1:] in names) and h
    ]

    checked_nam: set[str] = set()
    labels: dict[str, tuple[str, str | None]] = {}
    data_rows = 0
    at_total = {h: False for h, _ in others}
    for row in rows:
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        data_rows += 1
        if len(row) != len(header):
            raise b.error(f"expected {len(header)} fields, found {len(row)}", row=line)

        if nam_i is not None and row[nam_i] not in checked_nam:
            _check_nam(b, source, row[nam_i], unit_words, line)
            checked_nam.add(row[nam_i])

        label = row[region_i]
        kind, code = _region(b, source, labels, label, line)
        if kind == "district":
            b.out.stats["districts"] += 1
            continue

        raw_value = row[val_i]
        try:
            parse_value(raw_value)
        except ValueError:
            raise b.error(f"unparsable value {raw_value!r}", line, "VAL") from None

        if not _mark_totals(row, others, totals, at_total):
            b.out.stats["not_total"] += 1
            continue
        mapped = b.indicator_and_sex(
            ind_map, None if ind_i is None else row[ind_i], sex_map, None if sex_i is None else row[sex_i]
        )
        if mapped is None:
            continue
        indicator, sex_code = mapped
        year = _year(b, row, dat_i, period_i, line)

        b.add_cell(
            raw_value,
            row=line,
            col="VAL",
            indicator=indicator,
            region=code,
            region_label=label,
            sex=sex_code,
            year=year,
        )
    # A file that yields nothing would publish the source as empty without a word.
    if not data_rows:
        raise b.error("no data rows after the header", row=2)
    never = [h for h, seen in at_total.items() if not seen]
    if not b.out and never:
        raise b.error(
            f"no row is at a total of this column (values like {source.total_labels[0]!r}); every row was skipped",
            row=1,
            column=never[0],
        )
    return b.out
