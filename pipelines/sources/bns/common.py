"""What the three bureau parsers share: values, territories, periods, the observation contract."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

from pipelines import settings
from pipelines.files import sha256_file
from pipelines.messages import one_line
from pipelines.reference import normalise_label, region_for_label
from pipelines.sources.bns.catalogue import Source

# The columns of raw.bns_observations, in order. Every observation has exactly these keys.
OBSERVATION_KEYS = (
    "source_id",
    "element_id",
    "format",
    "vintage",
    "vintage_at",
    "vintage_basis",
    "file_sha256",
    "file_name",
    "indicator",
    "region",
    "region_label",
    "sex",
    "period",
    "period_start",
    "period_end",
    "value",
    "unit",
    "sheet",
    "row",
    "col",
)


class SourceError(Exception):
    """A source cannot be parsed (or fetched); the message is one line naming source, file, row, column."""

    def __init__(
        self,
        source_id: str,
        message: str,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
    ):
        self.source_id, self.file, self.row, self.column, self.sheet = source_id, file, row, column, sheet
        self.detail = message
        where = []
        if file:
            where.append(file + (f" sheet {sheet!r}" if sheet else ""))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        loc = ", ".join(where[1:]) if len(where) > 1 else ""
        # the place inside the file (sheet, row, column), without the file's name
        self.where = ", ".join(([f"sheet {sheet!r}"] if sheet else []) + where[1:])
        head = f"{where[0]} {loc}".strip() if where else ""
        text = f"{source_id}: {head}: {message}" if head else f"{source_id}: {message}"
        super().__init__(one_line(re.sub(r"[\r\n]+", " ", text), 500))


class Observations(list):
    """A list of observation dicts with `stats` (confidential values, dropped districts, ...)."""

    stats: Counter

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.stats = Counter()


CONFIDENTIAL = object()
MISSING = object()
_CONFIDENTIAL = {"x", "х", "X", "Х"}  # latin and cyrillic
_MISSING = {"", "-", "–", "—", "…", "...", ".."}
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def parse_value(raw: Any) -> Any:
    """A float, CONFIDENTIAL ("x"), MISSING ("-", empty) or ValueError for anything else."""
    if raw is None:
        return MISSING
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, float)):
        if raw != raw:  # NaN
            return MISSING
        return float(raw)
    s = str(raw).strip()
    if s in _CONFIDENTIAL:
        return CONFIDENTIAL
    if s in _MISSING:
        return MISSING
    s = re.sub(r"[\s\u00a0\u202f\u2009']", "", s).replace("\u2212", "-")
    if not _NUMBER.match(s):
        raise ValueError(raw)
    return float(s.replace(",", "."))


# Districts and towns: "АККОЛЬСКИЙ РАЙОН", "РАЙОН БИРЖАН САЛ", "КОКШЕТАУ Г.А.", "Г.А.АЛАТАУ", "ТЕКЕЛИ Г."
_DISTRICT = re.compile(
    r"(^|[\s.])(РАЙОН|Р-Н|Г\.\s*А\.?|ГОРОДСКАЯ\s+АДМИНИСТРАЦИЯ|АУДАН[Ы]?)([\s.]|$)"
    r"|\sГ\.?$|^Г\.\s*А\.",
    re.IGNORECASE,
)


def is_district(label: str) -> bool:
    return bool(_DISTRICT.search(label.replace("\u00a0", " ").strip()))


def classify_region(source: Source, label: str) -> tuple[str, str | None]:
    """("region", code) for the country or a region, ("district", None), or ("unknown", None)."""
    extra = source.region_labels
    if extra:
        key = normalise_label(label)
        for k, v in extra.items():
            if normalise_label(k) == key:
                return "region", v
    code = region_for_label(label)
    if code:
        return "region", code
    if is_district(label):
        return "district", None
    return "unknown", None


_YEAR_DAT = re.compile(r"^\s*(\d{4})\s*(год|г\.?)?\s*$", re.IGNORECASE)


def year_of(label: Any) -> int | None:
    """2024 for "2024 год", "2024", 2024 or 2024.0; None otherwise."""
    if isinstance(label, bool) or label is None:
        return None
    if isinstance(label, (int, float)):
        if float(label).is_integer() and 1900 <= int(label) <= 2100:
            return int(label)
        return None
    m = _YEAR_DAT.match(str(label))
    if m and 1900 <= int(m.group(1)) <= 2100:
        return int(m.group(1))
    return None


def period_fields(source: Source, year: int) -> tuple[str, str, str]:
    """(period, period_start, period_end) of an annual figure under the source's semantics."""
    if source.period == "start":
        d = f"{year:04d}-01-01"
        return d, d, d
    if source.period == "end":
        d = f"{year:04d}-12-31"
        return d, d, d
    return f"{year:04d}", f"{year:04d}-01-01", f"{year:04d}-12-31"


def relative_name(path: Path) -> str:
    """The file's path relative to raw/ when it lies there, else its name."""
    path = Path(path).resolve()
    try:
        return path.relative_to(settings.raw_dir()).as_posix()
    except ValueError:
        return path.name


class Builder:
    """Collects observations of one file, with the file-level fields and a duplicate check."""

    def __init__(self, source: Source, path: Path, meta: dict[str, Any] | None):
        meta = meta or {}
        self.source = source
        self.path = Path(path)
        self.file_name = meta.get("file_name") or relative_name(self.path)
        self.vintage = meta.get("vintage") or dt.date.fromtimestamp(self.path.stat().st_mtime).isoformat()
        # sidecars written before vintages had a time stand at the start of their day
        self.vintage_at = meta.get("vintage_at") or f"{self.vintage}T00:00:00Z"
        self.vintage_basis = meta.get("vintage_basis") or "unknown"
        self.sha256 = meta.get("sha256") or sha256_file(self.path)
        self.out = Observations()
        self._seen: dict[tuple, tuple[float, Any, Any]] = {}

    def error(
        self, message: str, row: int | None = None, column: str | None = None, sheet: str | None = None
    ) -> SourceError:
        return SourceError(self.source.id, message, file=self.file_name, row=row, column=column, sheet=sheet)

    def indicator_and_sex(
        self, ind_map: dict[str, str], ind_label: str | None, sex_map: dict[str, str], sex_label: str | None
    ) -> tuple[str, str] | None:
        """The indicator and sex a row's classification labels map to (None label: the column
        is not mapped), or None when the catalogue leaves a label out (counted as unmapped)."""
        indicator = self.source.indicator if ind_label is None else ind_map.get(norm(ind_label))
        sex = "total" if sex_label is None else sex_map.get(norm(sex_label))
        if indicator is None or sex is None:
            self.out.stats["unmapped"] += 1
            return None
        return indicator, sex

    def value(self, raw: Any, row: int, column: str, sheet: str | None = None) -> float | None:
        """The number in a cell, None for a skipped one (counted), SourceError when unparsable."""
        try:
            v = parse_value(raw)
        except ValueError:
            raise self.error(f"unparsable value {str(raw)!r}", row, column, sheet) from None
        if v is CONFIDENTIAL:
            self.out.stats["confidential"] += 1
            return None
        if v is MISSING:
            self.out.stats["missing"] += 1
            return None
        if self.source.unit == "persons" and not float(v).is_integer():
            # "16,550" is a thousands comma, not 16.55 persons: never guess, say where
            raise self.error(f"not a whole number of persons {str(raw)!r}", row, column, sheet)
        return v

    def add_cell(self, raw: Any, *, row: int, col: str, sheet: str | None = None, **keys: Any) -> None:
        """A cell's value as an observation of `keys` (indicator, region, region_label, sex,
        year), unless it is a skipped one."""
        value = self.value(raw, row, col, sheet)
        if value is not None:
            self.add(value=value, row=row, col=col, sheet=sheet, **keys)

    def add(
        self,
        *,
        indicator: str,
        region: str,
        region_label: str,
        sex: str,
        year: int,
        value: float,
        row: int,
        col: str,
        sheet: str | None = None,
    ) -> None:
        period, start, end = period_fields(self.source, year)
        key = (indicator, region, sex, period)
        if key in self._seen:
            prev_value, prev_row, prev_sheet = self._seen[key]
            if prev_value == value:
                self.out.stats["duplicates"] += 1
                return
            where = f"row {prev_row}" + (f" of sheet {prev_sheet!r}" if prev_sheet else "")
            raise self.error(
                f"conflicting duplicate of {indicator} {region} {sex} {period}: {value:g} here, "
                f"{prev_value:g} at {where}",
                row,
                col,
                sheet,
            )
        self._seen[key] = (value, row, sheet)
        self.out.append(
            {
                "source_id": self.source.id,
                "element_id": self.source.element_id,
                "format": self.source.format,
                "vintage": self.vintage,
                "vintage_at": self.vintage_at,
                "vintage_basis": self.vintage_basis,
                "file_sha256": self.sha256,
                "file_name": self.file_name,
                "indicator": indicator,
                "region": region,
                "region_label": region_label,
                "sex": sex,
                "period": period,
                "period_start": start,
                "period_end": end,
                "value": float(value),
                "unit": self.source.unit,
                "sheet": sheet,
                "row": row,
                "col": col,
            }
        )


def norm(s: Any) -> str:
    """A label reduced for comparisons: case, ё/е, spaces."""
    return " ".join(str(s or "").replace("\u00a0", " ").lower().replace("ё", "е").split())
