-- Labour force aged 15+ by region, sex and year (official latest vintage; document claims only
-- where the bureau has no value).
select
    region,
    sex,
    cast(period as integer) as year,
    value as labour_force,
    {{ current_source_columns() }}
from {{ ref('fct_observation_current') }}
where indicator = 'labour_force' and period_kind = 'year'
