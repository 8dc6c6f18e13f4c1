-- Regions add up to the country wherever the bureau publishes both: checked inside every landed
-- file (layer 'vintage') and on the current mix of latest vintages (layer 'current', which the
-- facts use). Compared only when every region valid at the period's end is present: tables with
-- regional detail for some years only (net migration: regions 2023-2024) are skipped elsewhere,
-- and regions the bureau already reports before their legal start (Shymkent on 1 Jan 2018, the
-- 2022 regions on 1 Jan 2022) simply count. Fails with the period, the two totals and the gap.
with observations as (
    select
        'vintage' as layer, source_id || '@' || cast(vintage_at as varchar) || ' ' || left(file_sha256, 12) as scope,
        indicator, region, sex, period, period_end, value
    from {{ ref('fct_observation') }}
    where source_kind = 'official'
    union all
    select 'current', 'latest vintages', indicator, region, sex, period, period_end, value
    from {{ ref('fct_observation_current') }}
    where source_kind = 'official'
),

regions as (
    select kato, valid_from, valid_to
    from {{ ref('dim_region') }}
    where kind <> 'country'
),

slices as (
    select
        o.layer, o.scope, o.indicator, o.sex, o.period,
        max(o.period_end) as period_end,
        max(o.value) filter (where o.region = 'KZ') as national_total,
        sum(o.value) filter (where o.region <> 'KZ') as regions_sum,
        list(o.region) filter (where o.region <> 'KZ') as regions_present
    from observations as o
    group by all
    having national_total is not null and regions_sum is not null
),

required as (
    select
        s.layer, s.scope, s.indicator, s.sex, s.period,
        list(r.kato) filter (where not list_contains(s.regions_present, r.kato)) as regions_missing
    from slices as s
    join regions as r
        on r.valid_from <= s.period_end and (r.valid_to is null or r.valid_to > s.period_end)
    group by all
)

select
    s.layer, s.scope, s.indicator, s.sex, s.period, s.national_total, s.regions_sum,
    s.regions_sum - s.national_total as difference
from slices as s
join required as q using (layer, scope, indicator, sex, period)
where len(coalesce(q.regions_missing, [])) = 0
    and abs(s.regions_sum - s.national_total) > 0.5
