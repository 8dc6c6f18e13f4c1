-- One row per region and year: the headline numbers side by side, each with its source.
with population as (
    select
        region, year, population, population_source_kind, population_source,
        urban_share_pct, urban_share_source_kind
    from {{ ref('fct_regional_population') }}
    where year is not null
),

labour as (
    select
        region, year, labour_force, source_kind as labour_force_source_kind,
        source_label as labour_force_source
    from {{ ref('fct_labour_force') }}
    where sex = 'total'
),

births_deaths as (
    select
        region, year, natural_increase, source_kind as natural_increase_source_kind,
        source_label as natural_increase_source
    from {{ ref('fct_natural_increase') }}
    where year is not null
),

flows as (
    select
        region, year, net_migration, net_migration_source_kind, net_migration_source,
        departures, departures_source_kind, departures_source
    from {{ ref('fct_outflow') }}
    where year is not null
),

spine as (
    select region, year from population
    union
    select region, year from labour
    union
    select region, year from births_deaths
    union
    select region, year from flows
)

select
    s.region,
    r.name_ru as region_name_ru,
    r.name_en as region_name_en,
    r.kind as region_kind,
    s.year,
    make_date(s.year, 1, 1) as year_start,
    -- whole persons: BIGINT, so BI tools show 101622, not 101622.0
    cast(p.population as bigint) as population_jan1,
    p.population_source_kind,
    p.population_source,
    p.urban_share_pct,
    p.urban_share_source_kind,
    cast(l.labour_force as bigint) as labour_force,
    l.labour_force_source_kind,
    l.labour_force_source,
    cast(n.natural_increase as bigint) as natural_increase,
    n.natural_increase_source_kind,
    n.natural_increase_source,
    cast(f.net_migration as bigint) as net_migration,
    f.net_migration_source_kind,
    f.net_migration_source,
    cast(f.departures as bigint) as departures,
    f.departures_source_kind,
    f.departures_source,
    -- rates against the population at the start of the year, as the bureau's press releases do
    round(1000 * n.natural_increase / p.population, 2) as natural_increase_per_1000,
    round(1000 * f.net_migration / p.population, 2) as net_migration_per_1000,
    round(1000 * f.departures / p.population, 2) as departures_per_1000,
    round(100 * l.labour_force / p.population, 1) as labour_force_pct_of_population
from spine as s
left join population as p using (region, year)
left join labour as l using (region, year)
left join births_deaths as n using (region, year)
left join flows as f using (region, year)
left join {{ ref('dim_region') }} as r on r.kato = s.region
