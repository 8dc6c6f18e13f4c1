-- Values the bureau changed between vintages of the same table (element), whichever download
-- format carried each vintage, and values a newer vintage no longer publishes (withdrawn).
with official as (
    select *,
        lag(value) over w as previous_value,
        lag(vintage) over w as previous_vintage,
        lag(source_id) over w as previous_source_id,
        lag(provenance) over w as previous_provenance
    from {{ ref('fct_observation') }}
    where source_kind = 'official'
    window w as (partition by table_id, indicator, region, sex, period order by vintage, source_id)
),

changed as (
    select
        'changed' as revision_kind,
        table_id, indicator, region, sex, period, period_start,
        previous_vintage, previous_source_id, previous_value, previous_provenance,
        vintage as revised_vintage, source_id as revised_source_id, value as revised_value,
        provenance as revised_provenance, is_latest_vintage as revised_is_latest
    from official
    where previous_vintage is not null
      and value is distinct from previous_value
),

-- the vintage that replaced each slice (indicator × sex × period) of a table
slice_latest as (
    select table_id, indicator, sex, period, vintage, source_id
    from {{ ref('fct_observation') }}
    where source_kind = 'official' and is_latest_vintage
    group by all
),

withdrawn as (
    select
        'withdrawn' as revision_kind,
        o.table_id, o.indicator, o.region, o.sex, o.period, o.period_start,
        o.vintage, o.source_id, o.value, o.provenance,
        s.vintage, s.source_id, null::double, null::varchar, true
    from official as o
    join slice_latest as s using (table_id, indicator, sex, period)
    where o.is_withdrawn
)

select
    u.revision_kind,
    u.table_id,
    u.indicator,
    u.region,
    r.name_ru as region_name_ru,
    u.sex,
    u.period,
    u.period_start,
    u.previous_vintage,
    u.previous_source_id,
    u.previous_value,
    u.previous_provenance,
    u.revised_vintage,
    u.revised_source_id,
    u.revised_value,
    u.revised_provenance,
    u.revised_value - u.previous_value as change,
    round(100 * (u.revised_value - u.previous_value) / nullif(u.previous_value, 0), 4) as change_pct,
    u.revised_is_latest
from (select * from changed union all select * from withdrawn) as u
left join {{ ref('dim_region') }} as r on r.kato = u.region
