-- Every value is in its indicator's base unit (persons, percent, KZT, ratio): a figure left in
-- thousands or with a stray unit label would otherwise mix into sums. Fails with the rows.
select o.observation_id, o.indicator, o.unit, i.unit as expected_unit, o.source_id, o.provenance
from {{ ref('fct_observation') }} as o
join {{ ref('dim_indicator') }} as i on i.code = o.indicator
where o.unit is distinct from i.unit
