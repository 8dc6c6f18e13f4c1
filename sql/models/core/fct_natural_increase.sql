-- Natural increase (births minus deaths; negative = natural decrease) by region and period,
-- a year or a month interval.
select
    region,
    {{ period_columns() }},
    value as natural_increase,
    {{ current_source_columns() }}
from {{ ref('fct_observation_current') }}
where indicator = 'natural_increase' and sex = 'total'
