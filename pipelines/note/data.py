"""What a regional note quotes, read from the marts of the published warehouse only."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.report.data import query_rows


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
    destinations = query_rows(
        con,
        """
        select * from marts.emigration_by_destination where year = ? order by is_remainder, rank""",
        [year],
    )
    trend = query_rows(
        con, "select * from marts.outflow_trend where region = ? and year <= ? order by year", [region, year]
    )
    claims = query_rows(
        con,
        """
        select * from marts.note_claims where region = ? order by document_name, page, position""",
        [region],
    )
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
    )
