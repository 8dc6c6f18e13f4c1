-- The note's second chart: departures by region and year, scaled by the population on 1 January,
-- as a ratio to the previous year and as an index to the first year of the series.
with departures as (
    select
        region, year, departures, departures_source_kind, departures_source,
        departures_growth_ratio_claimed
    from {{ ref('fct_outflow') }}
    where year is not null and departures is not null
),

population as (
    select region, year, population, population_source_kind
    from {{ ref('fct_regional_population') }}
    where year is not null
)

select
    d.region,
    r.name_ru as region_name_ru,
    r.name_en as region_name_en,
    d.year,
    make_date(d.year, 1, 1) as year_start,
    cast(d.departures as bigint) as departures,  -- whole persons
    d.departures_source_kind as source_kind,
    d.departures_source as source,
    cast(p.population as bigint) as population_start_of_year,
    p.population_source_kind,
    round(1000 * d.departures / p.population, 2) as departures_per_1000,
    -- only against the immediately preceding year: a ratio across a gap would mislead
    round(d.departures / prev.departures, 3) as ratio_to_previous_year,
    d.departures_growth_ratio_claimed as ratio_to_previous_year_claimed,
    first_value(d.year) over w as first_year,
    round(100 * d.departures / first_value(d.departures) over w, 1) as index_to_first_year
from departures as d
left join departures as prev on prev.region = d.region and prev.year = d.year - 1
left join population as p on p.region = d.region and p.year = d.year
left join {{ ref('dim_region') }} as r on r.kato = d.region
window w as (partition by d.region order by d.year rows between unbounded preceding and unbounded following)
