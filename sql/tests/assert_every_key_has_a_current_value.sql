-- Every key of fct_observation (official or document) has exactly one current value: nothing is
-- lost between all vintages and the facts. Fails with the keys that have none.
select distinct o.indicator, o.region, o.country, o.occupation, o.sex, o.period
from {{ ref('fct_observation') }} as o
where not o.is_withdrawn
    and not exists (
        select 1 from {{ ref('fct_observation_current') }} as c
        where c.indicator = o.indicator
            and c.region is not distinct from o.region
            and c.country is not distinct from o.country
            and c.occupation is not distinct from o.occupation
            and c.sex = o.sex
            and c.period is not distinct from o.period
    )
