"""The catalogue of bureau (BNS) tables: pipelines/sources/catalogue.yaml, or env KAZMIG_CATALOGUE."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pipelines.settings import REPO_ROOT

DEFAULT_CATALOGUE = REPO_ROOT / "pipelines" / "sources" / "catalogue.yaml"
DEFAULT_BASE_URL = "https://stat.gov.kz"

FORMATS = {"bns_csv": "csv", "bns_xlsx": "xlsx", "bns_json": "json"}
DEFAULT_URLS = {
    "bns_csv": "{base_url}/api/iblock/element/{element_id}/csv/file/ru/",
    "bns_xlsx": "{base_url}/api/iblock/element/{element_id}/file/ru/",
    "bns_json": "{base_url}/api/iblock/element/{element_id}/json/file/ru/",
}
PERIODS = {"start", "end", "year"}
SEXES = {"total", "male", "female"}
ROLES = {"indicator", "sex"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """The catalogue file is malformed."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    element_id: str
    format: str
    url_template: str
    period: str
    unit: str = "persons"
    producer: str = ""
    attribution: str = ""
    license: str = ""
    license_url: str = ""
    cadence: str = ""
    indicator: str | None = None
    region: str | None = None
    dimensions: dict[str, dict[str, Any]] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    region_labels: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: dict[Any, str] = field(default_factory=dict)
    total_labels: tuple[str, ...] = ("Всего", "Все группы")
    required_columns: tuple[str, ...] = ("NAM", "DAT", "PERIOD", "VAL")
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ext(self) -> str:
        return FORMATS[self.format]

    def url(self, base_url: str | None = None) -> str:
        base = (base_url or base_url_from_env()).rstrip("/")
        return self.url_template.format(base_url=base, element_id=self.element_id)

    def dimension_for(self, role: str) -> tuple[str, dict[str, str]] | None:
        for column, spec in self.dimensions.items():
            if spec.get("role") == role:
                return column, spec.get("map") or {}
        return None


def base_url_from_env() -> str:
    return (os.environ.get("KAZMIG_BNS_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def allowed_hosts(base_url: str | None = None) -> set[str]:
    """Hosts downloads may come from: the base URL's host (plus env KAZMIG_BNS_ALLOWED_HOSTS)."""
    hosts = {(urlsplit(base_url or base_url_from_env()).hostname or "").lower()}
    extra = os.environ.get("KAZMIG_BNS_ALLOWED_HOSTS", "")
    hosts.update(h.strip().lower() for h in extra.split(",") if h.strip())
    hosts.discard("")
    return hosts


def catalogue_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("KAZMIG_CATALOGUE") or DEFAULT_CATALOGUE)


def _fail(where: str, msg: str) -> CatalogueError:
    return CatalogueError(f"{where}: {msg}")


def _source(entry: dict[str, Any], defaults: dict[str, Any], where: str) -> Source:
    if not isinstance(entry, dict):
        raise _fail(where, "each source must be a mapping")
    merged = {**defaults, **entry}
    sid = merged.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise _fail(where, f"bad or missing id {sid!r} (lower_snake_case)")
    where = f"{where} ({sid})"
    fmt = merged.get("format")
    if fmt not in FORMATS:
        raise _fail(where, f"format must be one of {sorted(FORMATS)}, not {fmt!r}")
    element_id = merged.get("element_id")
    if element_id is None or not re.fullmatch(r"\d+", str(element_id)):
        raise _fail(where, f"element_id must be a number, not {element_id!r}")
    url = merged.get("url") or (merged.get("urls") or {}).get(fmt) or DEFAULT_URLS[fmt]
    if not url or "{base_url}" not in url:
        raise _fail(where, "url template must contain {base_url}")
    period = merged.get("period")
    if period not in PERIODS:
        raise _fail(where, f"period must be one of {sorted(PERIODS)}, not {period!r}")

    dimensions = merged.get("dimensions") or {}
    if not isinstance(dimensions, dict):
        raise _fail(where, "dimensions must be a mapping column -> {role, map}")
    for column, spec in dimensions.items():
        if not isinstance(spec, dict) or spec.get("role") not in ROLES:
            raise _fail(where, f"dimension {column!r} needs role one of {sorted(ROLES)}")
        if not isinstance(spec.get("map"), dict) or not spec["map"]:
            raise _fail(where, f"dimension {column!r} needs a non-empty map")
        if spec["role"] == "sex" and not set(spec["map"].values()) <= SEXES:
            raise _fail(where, f"dimension {column!r}: sex values must be in {sorted(SEXES)}")
    roles = [spec["role"] for spec in dimensions.values()]
    if len(roles) != len(set(roles)):
        raise _fail(where, "at most one dimension per role")

    sheets = merged.get("sheets") or {}
    sections = merged.get("sections") or {}
    indicator = merged.get("indicator")
    if fmt == "bns_xlsx":
        if not sheets:
            raise _fail(where, "an XLSX source needs sheets")
        for name, spec in sheets.items():
            if (spec or {}).get("sex", "total") not in SEXES:
                raise _fail(where, f"sheet {name!r}: sex must be in {sorted(SEXES)}")
        if not sections and not indicator:
            raise _fail(where, "an XLSX source needs sections or an indicator")
    else:
        if not merged.get("region"):
            raise _fail(where, "region (the territory column) is required")
        if not indicator and "indicator" not in roles:
            raise _fail(where, "either indicator or a dimension with role indicator is required")

    return Source(
        id=sid,
        title=str(merged.get("title") or sid),
        element_id=str(element_id),
        format=fmt,
        url_template=url,
        period=period,
        unit=str(merged.get("unit") or "persons"),
        producer=str(merged.get("producer") or ""),
        attribution=str(merged.get("attribution") or ""),
        license=str(merged.get("license") or ""),
        license_url=str(merged.get("license_url") or ""),
        cadence=str(merged.get("cadence") or ""),
        indicator=indicator,
        region=merged.get("region"),
        dimensions=dimensions,
        terms=tuple(merged.get("terms") or ()),
        region_labels={str(k): str(v) for k, v in (merged.get("region_labels") or {}).items()},
        sheets={str(k): dict(v or {}) for k, v in sheets.items()},
        sections=dict(sections),
        total_labels=tuple(merged.get("total_labels") or ("Всего", "Все группы")),
        required_columns=tuple(merged.get("required_columns") or ("NAM", "DAT", "PERIOD", "VAL")),
        raw=dict(entry),
    )


def load_catalogue(path: str | os.PathLike | None = None) -> list[Source]:
    """All sources of the catalogue, in file order. Raises CatalogueError when malformed."""
    p = catalogue_path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise CatalogueError(f"{p}: cannot read catalogue: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise CatalogueError(f"{p}: expected a mapping with a list under 'sources'")
    defaults = doc.get("defaults") or {}
    sources = [_source(e, defaults, f"{p.name} sources[{i}]") for i, e in enumerate(doc["sources"])]
    seen: set[str] = set()
    for s in sources:
        if s.id in seen:
            raise CatalogueError(f"{p.name}: duplicate source id {s.id!r}")
        seen.add(s.id)
    return sources


def select(sources: list[Source], ids: list[str] | None) -> list[Source]:
    """The sources with these ids (all when ids is empty); an unknown id is an error."""
    if not ids:
        return list(sources)
    by_id = {s.id: s for s in sources}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise CatalogueError(f"unknown source id(s): {', '.join(unknown)} (known: {', '.join(by_id)})")
    return [by_id[i] for i in ids]


def source_rows(sources: list[Source] | None = None, base_url: str | None = None) -> list[dict[str, Any]]:
    """The catalogue as rows for raw.bns_sources (one per source)."""
    sources = load_catalogue() if sources is None else sources
    return [{
        "source_id": s.id, "element_id": s.element_id, "title": s.title, "producer": s.producer,
        "format": s.format, "url": s.url(base_url), "license": s.license, "license_url": s.license_url,
        "attribution": s.attribution, "cadence": s.cadence, "unit": s.unit, "period": s.period,
    } for s in sources]
