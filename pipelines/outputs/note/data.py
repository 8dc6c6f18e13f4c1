"""What a regional note quotes, read from the marts of the published warehouse only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from pipelines.outputs.query import query_rows
from pipelines.outputs.report.data import destinations_of, trend_of


class NoteError(ValueError):
    """A request the marts cannot answer (unknown region or year, nothing to write)."""


@dataclass
class NoteData:
    region: str
    region_name_ru: str
    region_name_en: str
    year: int
    observations: list[dict]  # marts.observations of the region (total sex) and the country's labour emigration
    destinations: list[dict]  # marts.emigration_by_destination of the year
    trend: list[dict]  # marts.outflow_trend of the region, up to the year
    claims: list[dict]  # marts.note_claims about the region: the annex
    ranks: dict = field(default_factory=dict)  # indicator → (place, of how many regions), for the year
    changes: list[dict] = field(default_factory=list)  # border changes of the region (sql/seeds)
    _by_key: dict = field(default_factory=dict, repr=False)

    def get(
        self, indicator: str, period: str | None, region: str | None = None, country: str | None = None
    ) -> dict | None:
        if not self._by_key:
            self._by_key = {(o["indicator"], o["period"], o["region"], o["country"]): o for o in self.observations}
        return self._by_key.get((indicator, period, region or self.region, country))

    def series(self, indicator: str, region: str | None = None, kind: str = "year") -> list[dict]:
        """Observations of one indicator, oldest first (country-less)."""
        region = region or self.region
        rows = [
            o
            for o in self.observations
            if o["indicator"] == indicator
            and o["region"] == region
            and o["country"] is None
            and o["period_kind"] == kind
        ]
        return sorted(rows, key=lambda o: o["period_start"])


def regions(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """Every region (not the country) the marts hold figures for: KATO → (Russian, English name)."""
    return {
        r["region"]: (r["region_name_ru"], r["region_name_en"])
        for r in query_rows(
            con,
            """
        select distinct region, region_name_ru, region_name_en from marts.observations
        where region is not null and region <> 'KZ' and region_name_ru is not null order by region""",
        )
    }


def load(con: duckdb.DuckDBPyConnection, region: str, year: int | None = None) -> NoteData:
    known = regions(con)
    if region not in known:
        raise NoteError(
            f"no figures for region {region!r} in marts.observations; regions: {', '.join(known) or 'none'}"
        )
    observations = query_rows(
        con,
        """
        select * from marts.observations
        where sex = 'total' and (region = ? or (region = 'KZ' and indicator = 'labour_emigration'))
        order by indicator, period_start, country""",
        [region],
    )
    years = sorted({o["year"] for o in observations if o["year"] is not None and o["period_kind"] == "year"})
    if year is None:
        # the edition's year: the latest year of destinations (the note's first topic), else of the region's flows
        latest = query_rows(con, "select max(year) as y from marts.emigration_by_destination")[0]["y"]
        year = latest if latest in years else (years[-1] if years else None)
    if year is None or year not in years:
        raise NoteError(
            f"no yearly figures for {region} in {year} in marts.observations; years: "
            + (", ".join(map(str, years)) or "none")
        )
    destinations = destinations_of(con, year)  # the report's reads: the same rows, one query
    trend = [r for r in trend_of(con, region) if r["year"] <= year]
    claims = query_rows(
        con,
        """
        select * from marts.note_claims where region = ? order by document_name, page, position""",
        [region],
    )
    # the bureau's element id of each table: the citation names it
    elements = {
        r["source_id"]: r["table_id"]
        for r in query_rows(
            con, "select source_id, table_id from marts.source_freshness where source_kind = 'official'"
        )
    }
    for o in observations:
        o["element_id"] = elements.get(o["source_id"])
    ranks = {}
    for indicator, period_kind, period in (("net_migration", "year", str(year)), ("population", "date", None)):
        rows = query_rows(
            con,
            """
            select region, value, period from marts.observations
            where indicator = ? and sex = 'total' and period_kind = ? and region <> 'KZ' and country is null
              and source_kind = 'official' and (? is null and year = ? + 1 and period_start = make_date(? + 1, 1, 1)
                                                or period = ?)""",
            [indicator, period_kind, period, year, year, period],
        )
        order = [r["region"] for r in sorted(rows, key=lambda r: -float(r["value"]))]
        if region in order:
            ranks[indicator] = (order.index(region) + 1, len(order))
    name_ru, name_en = known[region]
    return NoteData(
        region=region,
        region_name_ru=name_ru,
        region_name_en=name_en,
        year=year,
        observations=observations,
        destinations=destinations,
        trend=trend,
        claims=claims,
        ranks=ranks,
        changes=border_changes(region),
    )


def border_changes(region: str) -> list[dict]:
    """The changes of the region's territory (sql/seeds/ref_region_changes.csv): a region formed from
    another, or one a part was taken from; a series across such a date compares two territories."""
    import csv

    from pipelines.reference import regions as ref_regions
    from pipelines.settings import SEEDS_DIR

    with open(SEEDS_DIR / "ref_region_changes.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["change"] == "separated_from"]
    names = {k: r.name_ru for k, r in ref_regions().items()}
    out = []
    for r in rows:
        if region not in (r["kato"], r["related_kato"]):
            continue
        out.append(
            {
                "date": date.fromisoformat(r["change_date"]),
                "new": names.get(r["kato"], r["kato"]),
                "parent": names.get(r["related_kato"], r["related_kato"]),
                "lost_part": region == r["related_kato"],
            }
        )
    return out
