-- Emigrants by destination never exceed the national total of the same period, neither one
-- destination (country or world region) nor the countries together. Fails with the period and
-- the offending sum.
with per_period as (
    select f.period, max(f.national_total) as national_total,
           sum(f.emigrants) filter (where c.kind = 'country') as countries_sum,
           max(f.emigrants) as largest_destination
    from {{ ref('fct_emigration_by_destination') }} as f
    left join {{ ref('dim_country') }} as c on c.code = f.country
    group by f.period
)

select *
from per_period
where national_total is not null
  and (countries_sum > national_total or largest_destination > national_total)
