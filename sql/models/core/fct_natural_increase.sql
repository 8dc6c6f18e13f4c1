-- Natural increase (births minus deaths; negative = natural decrease) by region and period,
-- a year or a month interval.
select
    region,
    period,
    period_kind,
    period_start,
    period_end,
    case when period_kind = 'year' then cast(period as integer) end as year,
    value as natural_increase,
    source_kind,
    source_id,
    source_label,
    vintage,
    provenance,
    claimed_value
from {{ ref('fct_observation_current') }}
where indicator = 'natural_increase' and sex = 'total'
