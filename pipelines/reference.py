"""Reference tables (regions, countries, occupations, indicators).

The dbt seeds in sql/seeds are the single source of truth; Python reads the same CSV files so
the extractor, the bureau parsers and the warehouse dimensions can never disagree.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from pipelines.settings import SEEDS_DIR


def _rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Region:
    kato: str
    name_ru: str
    name_kk: str
    name_en: str
    kind: str


@cache
def regions() -> dict[str, Region]:
    return {
        r["kato"]: Region(r["kato"], r["name_ru"], r["name_kk"], r["name_en"], r["kind"]) for r in _rows("ref_regions")
    }


@cache
def region_aliases() -> list[tuple[str, str]]:
    """(alias, kato) pairs, nominative case, as the sources spell them."""
    return [(r["alias"], r["kato"]) for r in _rows("ref_region_aliases")]


@cache
def countries() -> list[dict[str, str]]:
    return _rows("ref_countries")


@cache
def occupations() -> list[dict[str, str]]:
    return _rows("ref_occupations")


@cache
def indicators() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in _rows("ref_indicators")}


_FOOTNOTE = re.compile(r"(\s*(\d+\)?|\*+|\(\d+\)))+$")
_CITY_PREFIX = re.compile(r"^(г\.|г |город )\s*")


def normalise_label(label: str) -> str:
    """A territory label as the bureau spells it, reduced to a comparable key.

    Handles case, ё/е, trailing spaces and footnote marks ("Туркестанская 1)"), the "г."/"город"
    prefix, and the word "область" wherever it stands.
    """
    s = label.replace("\u00a0", " ").strip().lower().replace("ё", "е")
    s = _FOOTNOTE.sub("", s).strip()
    s = _CITY_PREFIX.sub("", s)
    s = re.sub(r"\bобласть\b", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" .,")
    return s


@cache
def _label_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for alias, kato in region_aliases():
        index.setdefault(normalise_label(alias), kato)
    for r in regions().values():
        for name in (r.name_ru, r.name_kk, r.name_en):
            index.setdefault(normalise_label(name), r.kato)
    return index


_TOWN_SUFFIX = re.compile(r"\s+(г|город)$")


def region_for_label(label: str) -> str | None:
    """KATO code for a region label from a bureau table, or None when it is not a region."""
    key = normalise_label(label)
    code = _label_index().get(key)
    if code is None and _TOWN_SUFFIX.search(key):
        # "АЛМАТЫ Г." is the bureau's spelling of a town; for a city of republican status it is the
        # city itself. A town named like a region ("АБАЙ Г." in Karaganda) stays a town.
        code = _label_index().get(_TOWN_SUFFIX.sub("", key))
        if code is None or regions()[code].kind != "city":
            return None
    return code


def regions_in_force(day: str) -> dict[str, Region]:
    """The regions and cities of the reference that existed on `day` (ISO date), by KATO code."""
    return {
        k: r
        for k, r in regions().items()
        if r.kind != "country" and _valid(k)[0] <= day and (not _valid(k)[1] or day < _valid(k)[1])
    }


@cache
def _valid(kato: str) -> tuple[str, str]:
    row = next(r for r in _rows("ref_regions") if r["kato"] == kato)
    return row["valid_from"] or "0000", row["valid_to"] or ""
