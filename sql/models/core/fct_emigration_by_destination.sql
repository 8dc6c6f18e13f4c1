-- Labour emigration by destination country and period, beside the national total of the same
-- period (documents today; an official table would take precedence key by key).
with by_country as (
    select * from {{ ref('fct_observation_current') }}
    where indicator = 'labour_emigration' and country is not null and coalesce(region, 'KZ') = 'KZ'
),

national as (
    select * from {{ ref('fct_observation_current') }}
    where indicator = 'labour_emigration' and country is null and coalesce(region, 'KZ') = 'KZ'
)

select
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
left join national as n using (period)
