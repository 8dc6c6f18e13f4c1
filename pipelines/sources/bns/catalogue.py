"""The catalogue of bureau (BNS) tables: pipelines/sources/bns/catalogue.yaml, or env KAZMIG_CATALOGUE.

Each entry is validated by a pydantic model when the catalogue loads, before anything runs; a
mistake is one line naming the entry and the key (`catalogue.yaml: sources[2] (population_csv),
key 'format': ...`).
"""

from __future__ import annotations

import os
import re
import string
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipelines.files import yaml_text
from pipelines.settings import env

DEFAULT_CATALOGUE = Path(__file__).with_name("catalogue.yaml")
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
_ID = r"^[a-z][a-z0-9_]*$"
Sex = Literal["total", "male", "female"]


class CatalogueError(ValueError):
    """The catalogue file is malformed (the message is one line)."""


class Dimension(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["indicator", "sex"]
    map: dict[str, str] = Field(min_length=1)

    @model_validator(mode="after")
    def _sex_values(self) -> Dimension:
        if self.role == "sex" and not set(self.map.values()) <= SEXES:
            raise ValueError(f"sex values must be in {sorted(SEXES)}, not {sorted(set(self.map.values()) - SEXES)}")
        return self


class Sheet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sex: Sex = "total"


class Source(BaseModel):
    """One bureau table in one download format."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    title: str = ""
    element_id: str
    format: Literal["bns_csv", "bns_xlsx", "bns_json"]
    url_template: str = Field(alias="url")
    period: Literal["start", "end", "year"]
    unit: str = "persons"
    producer: str = ""
    attribution: str = ""
    license: str = ""
    license_url: str = ""
    cadence: str = ""
    indicator: str | None = None
    region: str | None = None
    dimensions: dict[str, Dimension] = {}
    terms: tuple[str, ...] = ()
    region_labels: dict[str, str] = {}
    sheets: dict[str, Sheet] = {}
    sections: dict[str | None, str] = {}
    total_labels: tuple[str, ...] = ("Всего", "Все группы")
    required_columns: tuple[str, ...] = ("NAM", "DAT", "PERIOD", "VAL")
    # What proves a file is this table (checked before it lands): the indicator text every row
    # states (CSV NAM without its unit), the classification columns of the header in order, and a
    # pattern the title above an XLSX sheet's header must match.
    nam: str | None = None
    columns: tuple[str, ...] | None = None
    title_pattern: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> str:
        if not isinstance(v, str) or not re.match(_ID, v):
            raise ValueError(f"bad or missing id {v!r} (lower_snake_case: it names the folder raw/bns/<id>/)")
        return v

    @field_validator("element_id", mode="before")
    @classmethod
    def _element_id(cls, v: Any) -> str:
        if isinstance(v, bool) or not re.fullmatch(r"\d{1,12}", str(v)):
            raise ValueError(f"element_id must be a number, not {v!r}")
        return str(v)

    @field_validator("url_template")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith("{base_url}/"):
            raise ValueError(
                f"url must contain {{base_url}} at its start so downloads stay on the bureau's host, "
                f"e.g. {DEFAULT_URLS['bns_csv']}; not {v!r}"
            )
        fields = {f for _, f, _, _ in string.Formatter().parse(v) if f is not None}
        unknown = fields - {"base_url", "element_id"}
        if unknown:
            raise ValueError(
                f"unknown placeholder(s) {', '.join('{' + f + '}' for f in sorted(unknown))} "
                "(known: {base_url}, {element_id})"
            )
        probe = urlsplit(v.format(base_url=DEFAULT_BASE_URL, element_id="1"))
        if probe.hostname != urlsplit(DEFAULT_BASE_URL).hostname or ".." in probe.path.split("/"):
            raise ValueError(f"url {v!r} leaves the bureau's host or path")
        return v

    @field_validator("title_pattern")
    @classmethod
    def _pattern(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as e:
                raise ValueError(f"not a regular expression: {e}") from None
        return v

    @model_validator(mode="after")
    def _layout(self) -> Source:
        roles = [d.role for d in self.dimensions.values()]
        if len(roles) != len(set(roles)):
            raise ValueError("at most one dimension per role")
        if self.format == "bns_xlsx":
            if not self.sheets:
                raise ValueError("an XLSX source needs sheets")
            if not self.sections and not self.indicator:
                raise ValueError("an XLSX source needs sections or an indicator")
        else:
            if not self.region:
                raise ValueError("region (the territory column) is required")
            if not self.indicator and "indicator" not in roles:
                raise ValueError("either indicator or a dimension with role indicator is required")
        return self

    @property
    def ext(self) -> str:
        return FORMATS[self.format]

    def url(self, base_url: str | None = None) -> str:
        base = (base_url or base_url_from_env()).rstrip("/")
        return self.url_template.format(base_url=base, element_id=self.element_id)

    def dimension_for(self, role: str) -> tuple[str, dict[str, str]] | None:
        for column, spec in self.dimensions.items():
            if spec.role == role:
                return column, dict(spec.map)
        return None

    def indicators(self) -> dict[str, str]:
        """Every indicator code the entry names, by the key that names it."""
        found = {}
        if self.indicator:
            found["indicator"] = self.indicator
        for column, spec in self.dimensions.items():
            if spec.role == "indicator":
                for label, code in spec.map.items():
                    found[f"dimensions.{column}.map.{label}"] = code
        for label, code in self.sections.items():
            found[f"sections.{label}"] = code
        return found


def base_url_from_env() -> str:
    return (env().bns_base_url or DEFAULT_BASE_URL).rstrip("/")


def allowed_hosts(base_url: str | None = None) -> set[str]:
    """Hosts downloads may come from: the base URL's host (plus env KAZMIG_BNS_ALLOWED_HOSTS)."""
    hosts = {(urlsplit(base_url or base_url_from_env()).hostname or "").lower()}
    extra = env().bns_allowed_hosts
    hosts.update(h.strip().lower() for h in extra.split(",") if h.strip())
    hosts.discard("")
    return hosts


def catalogue_path(path: str | os.PathLike | None = None) -> Path:
    return Path(path or env().catalogue or DEFAULT_CATALOGUE)


def _message(e: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in e.get("loc", ()) if p != "__root__")
    msg = re.sub(r"^(Value error|Assertion failed), ", "", e.get("msg", "invalid"))
    if e.get("type") == "extra_forbidden":
        msg = f"unknown key (known: {', '.join(sorted(_source_keys()))})"
    elif (
        e.get("type") in ("literal_error", "string_pattern_mismatch", "missing", "string_type", "dict_type")
        and "input" in e
        and e.get("type") != "missing"
    ):
        msg += f", not {e['input']!r}"
    return f"key {key!r}: {msg}" if key else msg


def _source_keys() -> set[str]:
    return {f.alias or name for name, f in Source.model_fields.items()}


def _entry(raw: Any, defaults: dict[str, Any], where: str, known_indicators: set[str]) -> Source:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: each source must be a mapping of keys, not {type(raw).__name__}")
    sid = raw.get("id")
    if isinstance(sid, str):
        where = f"{where} ({sid})"
    merged = {k: v for k, v in {**defaults, **raw}.items() if k != "urls"}
    if isinstance(sid, str) and not merged.get("title"):
        merged["title"] = sid
    fmt = merged.get("format")
    if "url" not in raw:  # the format's default (an unknown format is reported for itself)
        urls = defaults.get("urls") if isinstance(defaults.get("urls"), dict) else {}
        merged["url"] = urls.get(fmt) or DEFAULT_URLS.get(fmt) or DEFAULT_URLS["bns_csv"]
    try:
        source = Source.model_validate(merged)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise CatalogueError(
            f"{where}, {_message(errors[0])}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
        ) from None
    for key, code in source.indicators().items():
        if known_indicators and code not in known_indicators:
            raise CatalogueError(
                f"{where}, key {key!r}: unknown indicator {code!r} "
                "(indicators are the codes of sql/seeds/ref_indicators.csv)"
            )
    return source


# The last catalogue read, by path, the file's size and modification time and the indicators known:
# a build reads it twice (the CLI checks it first), and a long-running process sees an edit.
_LAST: dict[str, tuple[tuple, list[Source]]] = {}


def load_catalogue(path: str | os.PathLike | None = None) -> list[Source]:
    """All sources of the catalogue, in file order. Raises CatalogueError (one line) when malformed."""
    from pipelines.reference import indicators

    p = catalogue_path(path)
    known = set(indicators())
    try:
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size, frozenset(known))
        cached = _LAST.get(str(p))
        if cached and cached[0] == stamp:
            return list(cached[1])
        doc = yaml_text(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise CatalogueError(f"{p}: cannot read the catalogue: {e.strerror or e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise CatalogueError(f"{p.name}{where}: not valid YAML: {getattr(e, 'problem', None) or e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise CatalogueError(f"{p.name}: expected a mapping with a list under 'sources'")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise CatalogueError(f"{p.name}: 'defaults' must be a mapping of keys")
    sources: list[Source] = []
    first: dict[str, int] = {}
    for i, raw in enumerate(doc["sources"]):
        s = _entry(raw, defaults, f"{p.name}: sources[{i}]", known)
        if s.id in first:
            raise CatalogueError(
                f"{p.name}: sources[{i}] ({s.id}), key 'id': duplicate source id (sources[{first[s.id]}] has it)"
            )
        first[s.id] = i
        sources.append(s)
    _LAST.clear()
    _LAST[str(p)] = (stamp, sources)
    return list(sources)


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
    return [
        {
            "source_id": s.id,
            "element_id": s.element_id,
            "title": s.title,
            "producer": s.producer,
            "format": s.format,
            "url": s.url(base_url),
            "license": s.license,
            "license_url": s.license_url,
            "attribution": s.attribution,
            "cadence": s.cadence,
            "unit": s.unit,
            "period": s.period,
        }
        for s in sources
    ]
