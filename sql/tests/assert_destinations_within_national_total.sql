-- Emigrants by destination (labour emigrants; departures for good) never exceed the national
-- total of the same flow and period, neither one
-- destination (country or world region) nor the countries together: within each source on its
-- own (a document contradicting itself) and in the current mix the marts use. Fails with the
-- source, the period and the offending sums.
with by_source as (
    select
        o.source_id, o.indicator, o.period,
        max(o.value) filter (where o.country is null and o.region = 'KZ') as national_total,
        sum(o.value) filter (where c.kind = 'country') as countries_sum,
        max(o.value) filter (where o.country is not null) as largest_destination
    from {{ ref('fct_observation') }} as o
    left join {{ ref('dim_country') }} as c on c.code = o.country
    -- every document on its own (for documents is_latest_vintage marks the claim the facts
    -- prefer among documents); bureau tables at their current vintage
    where o.indicator in ('labour_emigration', 'departures')
        and (o.source_kind = 'document' or (o.is_latest_vintage and not o.is_withdrawn))
        and o.occupation is null
    group by o.source_id, o.indicator, o.period
),

current_mix as (
    select
        'current facts' as source_id, f.indicator, f.period, max(f.national_total) as national_total,
        sum(f.emigrants) filter (where c.kind = 'country') as countries_sum,
        max(f.emigrants) as largest_destination
    from {{ ref('fct_emigration_by_destination') }} as f
    left join {{ ref('dim_country') }} as c on c.code = f.country
    group by f.indicator, f.period
)

select *
from (
    select * from by_source
    union all
    select * from current_mix
)
where national_total is not null
    and (countries_sum > national_total or largest_destination > national_total)
