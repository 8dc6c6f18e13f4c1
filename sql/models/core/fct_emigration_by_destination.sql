-- Emigrants by destination country and period, beside the national total of the same flow and
-- period: labour emigrants (labour_emigration) and emigrants who left for good (departures of the
-- country by destination). Documents today; an official table would take precedence key by key.
with by_country as (
    select * from {{ ref('fct_observation_current') }}
    where indicator in ('labour_emigration', 'departures')
        and country is not null and coalesce(region, 'KZ') = 'KZ' and occupation is null
),

national as (
    select * from {{ ref('fct_observation_current') }}
    where indicator in ('labour_emigration', 'departures')
        and country is null and coalesce(region, 'KZ') = 'KZ' and occupation is null
)

select
    c.indicator,
    c.period,
    c.period_kind,
    c.period_start,
    c.period_end,
    case when c.period_kind = 'year' then cast(c.period as integer) end as year,
    c.country,
    c.value as emigrants,
    c.source_kind,
    c.source_id,
    c.source_label,
    c.provenance,
    n.value as national_total,
    n.source_kind as national_total_source_kind,
    n.source_label as national_total_source
from by_country as c
left join national as n using (indicator, period)
