"""The bureau's JSON: [{"terms": [...], "termNames": [...], "periods": [{"name", "date", "value"}]}].

The catalogue's `terms` names the positions of termNames (e.g. ["КАТО", "СПТМ", "СП"]) so that
`region` and `dimensions` work as for CSV; without it, position 0 is the territory and every
other position must be at its total. `row` is the 1-based index of the item in the list, `col`
is "periods[j].value".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.sources.bns.catalogue import Source
from pipelines.sources.bns.common import Builder, Observations, classify_region, norm, year_of


def _term_pos(b: Builder, names: list[str], dim: tuple[str, dict[str, str]] | None) -> int | None:
    if not dim:
        return None
    if dim[0] not in names:
        raise b.error(f"dimension {dim[0]!r} is not among the catalogue's terms {names}")
    return names.index(dim[0])


def _check_item(b: Builder, item: Any, n: int, names: list[str], region_pos: int) -> tuple[list[Any], list[Any]]:
    """The item's termNames and periods, once its shape is the one the catalogue describes."""
    if not isinstance(item, dict):
        raise b.error("expected an object", row=n)
    term_names = item.get("termNames")
    periods = item.get("periods")
    if not isinstance(term_names, list) or not term_names:
        raise b.error("missing or empty termNames", row=n, column="termNames")
    if not isinstance(periods, list):
        raise b.error("missing periods", row=n, column="periods")
    if names and len(term_names) != len(names):
        raise b.error(
            f"expected {len(names)} termNames ({', '.join(names)}), found {len(term_names)}",
            row=n,
            column="termNames",
        )
    if region_pos >= len(term_names):
        raise b.error("no territory among termNames", row=n, column="termNames")
    return term_names, periods


def _add_periods(
    b: Builder, periods: list[Any], n: int, indicator: str, code: str | None, label: str, sex_code: str | None
) -> None:
    for j, p in enumerate(periods):
        if not isinstance(p, dict):
            raise b.error("expected an object", row=n, column=f"periods[{j}]")
        year = year_of(p.get("name"))
        if year is None:
            raise b.error(f"unsupported period {p.get('name')!r} (expected 'YYYY год')", n, f"periods[{j}].name")
        b.add_cell(
            p.get("value"),
            row=n,
            col=f"periods[{j}].value",
            indicator=indicator,
            region=code,
            region_label=label,
            sex=sex_code,
            year=year,
        )


def parse_json(source: Source, path: Path, meta: dict[str, Any] | None = None) -> Observations:
    b = Builder(source, path, meta)
    try:
        doc = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise b.error(f"not JSON: {e}") from None
    if not isinstance(doc, list):
        raise b.error(f"expected a JSON list, found {type(doc).__name__}")

    names = list(source.terms)
    region_pos = names.index(source.region) if source.region in names else 0
    ind = source.dimension_for("indicator")
    sex = source.dimension_for("sex")
    ind_pos, sex_pos = _term_pos(b, names, ind), _term_pos(b, names, sex)
    ind_map = {norm(k): v for k, v in (ind[1] if ind else {}).items()}
    sex_map = {norm(k): v for k, v in (sex[1] if sex else {}).items()}
    totals = {norm(t) for t in source.total_labels}
    labels: dict[str, tuple[str, str | None]] = {}

    for n, item in enumerate(doc, start=1):
        term_names, periods = _check_item(b, item, n, names, region_pos)
        label = str(term_names[region_pos])
        if label not in labels:
            labels[label] = classify_region(source, label)
        kind, code = labels[label]
        if kind == "unknown":
            raise b.error(f"unknown region label {label!r}", row=n, column=f"termNames[{region_pos}]")
        if kind == "district":
            b.out.stats["districts"] += 1
            continue
        others = [i for i in range(len(term_names)) if i not in (region_pos, ind_pos, sex_pos)]
        if any(norm(term_names[i]) not in totals for i in others):
            b.out.stats["not_total"] += 1
            continue
        mapped = b.indicator_and_sex(
            ind_map,
            None if ind_pos is None else str(term_names[ind_pos]),
            sex_map,
            None if sex_pos is None else str(term_names[sex_pos]),
        )
        if mapped is None:
            continue
        indicator, sex_code = mapped
        _add_periods(b, periods, n, indicator, code, label, sex_code)
    return b.out
