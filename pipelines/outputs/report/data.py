"""What the report shows, read from the marts only (never raw/staging/core tables).

Every query here names a `marts.` relation; tests/test_report.py checks that nothing else is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from pipelines.outputs.query import query_rows

DEFAULT_REGION = "110000000"  # Akmola Region: the note's second chart

# The marts the report reads (the Dagster asset depends on exactly these).
MARTS = ["emigration_by_destination", "outflow_trend", "region_profile", "note_claims", "source_freshness"]


class ReportError(ValueError):
    """A request the marts cannot answer (unknown year or region)."""


def _day(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


@dataclass
class Source:
    """One source a chart or figure cites, with its vintage and freshness from marts.source_freshness."""

    label: str  # as the mart's source column writes it, e.g. "population_csv (official, 2026-08-11)"
    name: str  # source id or document name
    kind: str = ""
    vintage: str = ""
    title: str = ""
    status: str = ""
    last_check: str = ""

    def cite(self) -> str:
        bits = [b for b in (self.kind, f"vintage {self.vintage}" if self.vintage else "") if b]
        text = f"{self.name}" + (f" — {self.title}" if self.title and self.title != self.name else "")
        text += f" ({', '.join(bits)}"
        if self.status:
            checked = self.last_check and self.status != "never_checked"  # an attempt is not a check
            text += f"; {self.status}" + (f", checked {self.last_check}" if checked else "")
        return text + ")"


_LABEL = re.compile(r"^(?P<name>.+?) \((?P<kind>[a-z]+), (?P<vintage>[0-9-]+)\)$")


@dataclass
class ReportData:
    year: int | None  # destinations year
    years: list[int]  # every year of marts.emigration_by_destination
    region: str
    region_name: str
    destinations: list[dict]
    trend: list[dict]
    comparison_year: int | None
    comparison: list[dict]
    claims: list[dict]
    freshness: list[dict]
    key_figures: list[dict] = field(default_factory=list)  # label, value, unit, source
    missing: list[str] = field(default_factory=list)  # what the marts lack for the year asked
    held_years: list[int] = field(default_factory=list)  # every year the marts hold a figure for
    _freshness_by_name: dict = field(default_factory=dict, repr=False)

    def source(self, label: str | None) -> Source | None:
        if not label:
            return None
        m = _LABEL.match(label)
        name, kind, vintage = (m["name"], m["kind"], m["vintage"]) if m else (label, "", "")
        row = self._freshness_by_name.get(name) or {}
        return Source(
            label=label,
            name=name,
            kind=kind or row.get("source_kind") or "",
            vintage=vintage or _day(row.get("vintage_in_use") or row.get("latest_landed_vintage")),
            title=row.get("title") or "",
            status=row.get("status") or "",
            last_check=_day(row.get("last_check")),
        )

    def sources(self, labels) -> list[Source]:
        seen, out = set(), []
        for label in labels:
            if label and label not in seen:
                seen.add(label)
                out.append(self.source(label))
        return out


def load(con: duckdb.DuckDBPyConnection, year: int | None = None, region: str | None = None) -> ReportData:
    asked, region = region, region or DEFAULT_REGION
    asked_year = year
    years = [
        r["year"] for r in query_rows(con, "select distinct year from marts.emigration_by_destination order by year")
    ]
    # every year the marts hold a figure for: a year without destinations still has a report,
    # which says what is missing for it
    held = sorted(
        set(years)
        | {
            r["year"]
            for r in query_rows(
                con,
                """
            select distinct year from marts.outflow_trend where year is not null
            union select distinct year from marts.region_profile
            where year is not null and (population_jan1 is not null or net_migration is not null)""",
            )
        }
    )
    if year is not None and year not in held:
        raise ReportError(
            f"no figures for {year} in the marts (marts.emigration_by_destination, marts.outflow_trend, "
            f"marts.region_profile); years: " + (", ".join(map(str, held)) or "none")
        )
    year = year if year is not None else (years[-1] if years else None)
    missing = []
    if year is not None and year not in years:
        missing.append(
            f"No destinations for {year} in marts.emigration_by_destination: the data hold destinations for "
            + (", ".join(map(str, years)) or "no year")
            + "."
        )

    regions = {
        r["region"]: r["region_name_en"]
        for r in query_rows(con, "select distinct region, region_name_en from marts.region_profile")
    }
    regions.update(
        {
            r["region"]: r["region_name_en"]
            for r in query_rows(con, "select distinct region, region_name_en from marts.outflow_trend")
        }
    )
    if region not in regions and not asked and not regions:
        regions[region] = region  # empty marts (a first run): the page says what would fill it
    if region not in regions:
        raise ReportError(f"unknown region {region!r}; regions in marts.region_profile: {', '.join(sorted(regions))}")

    destinations = destinations_of(con, year)
    trend = trend_of(con, region)

    # Net migration per 1 000 across regions: the latest year most regions have it.
    cover = query_rows(
        con,
        """
        select year, count(net_migration_per_1000) as n from marts.region_profile
        where region <> 'KZ' group by year having count(net_migration_per_1000) >= 2 order by year""",
    )
    comparison_year = None
    if cover:
        best = max(r["n"] for r in cover)
        comparison_year = max(r["year"] for r in cover if r["n"] >= best * 0.8)
        if year is not None and asked_year is not None:  # the year asked for, where the regions have it
            comparison_year = year if year in {r["year"] for r in cover} else comparison_year
            if comparison_year != year:
                missing.append(f"No net migration by region for {year} in marts.region_profile.")
    comparison = (
        query_rows(
            con,
            """
        select region, region_name_en, region_name_ru, region_kind, year, population_jan1, population_source,
               net_migration, net_migration_source, net_migration_per_1000
        from marts.region_profile where year = ? and net_migration_per_1000 is not null
        order by net_migration_per_1000 desc""",
            [comparison_year],
        )
        if comparison_year
        else []
    )

    claims = query_rows(
        con,
        """
        select document_name, document_vintage, page, position, indicator, region, country, occupation, period, unit,
               claimed_value, stated_precision, official_value, official_source_id, official_vintage,
               difference, status, nearest_official_period, nearest_official_value, nearest_status, quoted_text,
               indicator_name_en, region_name_en, country_name_en, occupation_name_en
        from marts.note_claims order by document_name, page, position""",
    )

    freshness = query_rows(
        con,
        """
        select source_id, source_kind, title, format, cadence, last_check, last_check_outcome, last_change,
               vintage_in_use, latest_landed_vintage, landed_vintages, rows_in_use, latest_period_end,
               status, status_reason
        from marts.source_freshness order by source_kind desc, source_id""",
    )
    by_name = {}
    for r in freshness:
        by_name[r["source_id"]] = r
        if r["source_kind"] == "document" and r["title"]:
            by_name[r["title"]] = r

    data = ReportData(
        year=year,
        years=years,
        region=region,
        region_name=regions[region],
        destinations=destinations,
        trend=trend,
        comparison_year=comparison_year,
        comparison=comparison,
        claims=claims,
        freshness=freshness,
        missing=missing,
        held_years=held,
        _freshness_by_name=by_name,
    )
    data.key_figures = _key_figures(con, data)
    return data


def destinations_of(con: duckdb.DuckDBPyConnection, year: int | None) -> list[dict]:
    """Labour emigrants by destination in a year: the named countries by rank, then the rest."""
    return query_rows(
        con,
        """
        select year, country_code, country_name_en, country_name_ru, emigrants, national_total, share_pct,
               rank, is_remainder, source_kind, source
        from marts.emigration_by_destination where year = ?
        order by is_remainder, rank, emigrants desc""",
        [year],
    )


def trend_of(con: duckdb.DuckDBPyConnection, region: str) -> list[dict]:
    """A region's departures by year, with the population they are divided by and its source."""
    return query_rows(
        con,
        """
        select t.region, t.region_name_en, t.region_name_ru, t.year, t.departures, t.source_kind, t.source,
               t.population_start_of_year, t.population_source_kind, p.population_source,
               t.departures_per_1000, t.ratio_to_previous_year, t.ratio_to_previous_year_claimed,
               t.first_year, t.index_to_first_year
        from marts.outflow_trend t
        left join marts.region_profile p on p.region = t.region and p.year = t.year
        where t.region = ? order by t.year""",
        [region],
    )


def _key_figures(con: duckdb.DuckDBPyConnection, d: ReportData) -> list[dict]:
    out = []
    named = [r for r in d.destinations if not r["is_remainder"]]
    # the national total's own source: the mart's remainder row ("the rest") is cited by it
    rest = next((r for r in d.destinations if r["is_remainder"]), None)
    national_source = rest["source"] if rest else (d.destinations[0]["source"] if d.destinations else None)
    if d.destinations and d.destinations[0]["national_total"] is not None:
        out.append(
            {
                "label": f"Labour emigrants, {d.year}",
                "value": d.destinations[0]["national_total"],
                "unit": "persons",
                "source": national_source,
            }
        )
    if named:
        top = named[0]
        out.append(
            {
                "label": f"Top destination, {d.year}: {top['country_name_en']}",
                "value": top["emigrants"],
                "unit": "persons",
                "share": top["share_pct"],
                "source": top["source"],
                # a share of the national total: the country's figure and the total are its sources
                "sources": [top["source"], national_source],
            }
        )
    if d.trend:
        last = d.trend[-1]
        out.append(
            {
                "label": f"Departures, {last['region_name_en']}, {last['year']}",
                "value": last["departures"],
                "unit": "persons",
                "source": last["source"],
            }
        )
        if last["departures_per_1000"] is not None:
            out.append(
                {
                    "label": f"Departures per 1 000 residents, {last['region_name_en']}, {last['year']}",
                    "value": last["departures_per_1000"],
                    "unit": "per 1 000",
                    "source": last["source"],
                    # a ratio of the departures to the bureau's population: both are its sources
                    "sources": [last["source"], last["population_source"]],
                }
            )
    kz = query_rows(
        con,
        """
        select year, population_jan1, population_source from marts.region_profile
        where region = 'KZ' and population_jan1 is not null order by year desc limit 1""",
    )
    if kz:
        out.append(
            {
                "label": f"Population of Kazakhstan, 1 January {kz[0]['year']}",
                "value": kz[0]["population_jan1"],
                "unit": "persons",
                "source": kz[0]["population_source"],
            }
        )
    kzm = query_rows(
        con,
        """
        select year, net_migration, net_migration_per_1000, net_migration_source from marts.region_profile
        where region = 'KZ' and net_migration is not null order by year desc limit 1""",
    )
    if kzm:
        out.append(
            {
                "label": f"Net migration, Kazakhstan, {kzm[0]['year']}",
                "value": kzm[0]["net_migration"],
                "unit": "persons",
                "source": kzm[0]["net_migration_source"],
            }
        )
    statuses: dict[str, int] = {}
    for c in d.claims:
        statuses[c["status"]] = statuses.get(c["status"], 0) + 1
    if d.claims:
        out.append(
            {
                "label": "Document figures checked against the bureau",
                "value": len(d.claims),
                "unit": "figures",
                "detail": ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
                "source": None,
            }
        )
    return out
