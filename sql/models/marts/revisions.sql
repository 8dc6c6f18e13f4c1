-- Where vintages of one bureau table (element) disagree, whichever download format carried each:
-- values the bureau changed (or that two files of one release state differently), and values
-- the current file no longer publishes (withdrawn). Both values, both files, both vintages.
with official as (
    select
        *,
        lag(value) over w as previous_value,
        lag(vintage) over w as previous_vintage,
        lag(vintage_at) over w as previous_vintage_at,
        lag(source_id) over w as previous_source_id,
        lag(file_name) over w as previous_file,
        lag(provenance) over w as previous_provenance
    from {{ ref('fct_observation') }}
    where source_kind = 'official'
    -- in precedence order, the current file last (vintage_rank 1): within one release too, the
    -- file that is current is the "revised" side
    window w as (partition by table_id, indicator, region, sex, period order by vintage_rank desc)
),

changed as (
    select
        'changed' as revision_kind,
        table_id, indicator, region, sex, period, period_start,
        previous_vintage, previous_vintage_at, previous_source_id, previous_file, previous_value, previous_provenance,
        vintage as revised_vintage, vintage_at as revised_vintage_at, source_id as revised_source_id,
        file_name as revised_file, value as revised_value, provenance as revised_provenance,
        is_latest_vintage as revised_is_latest
    from official
    where previous_vintage is not null
        and value is distinct from previous_value
),

-- the file that is current for each slice (indicator × sex × period) of a table
slice_latest as (
    select table_id, indicator, sex, period, vintage, vintage_at, source_id, file_name
    from {{ ref('fct_observation') }}
    where source_kind = 'official' and is_latest_vintage
    group by all
),

withdrawn as (
    select
        'withdrawn' as revision_kind,
        o.table_id, o.indicator, o.region, o.sex, o.period, o.period_start,
        o.vintage, o.vintage_at, o.source_id, o.file_name, o.value, o.provenance,
        s.vintage, s.vintage_at, s.source_id, s.file_name, null::double, null::varchar, true
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
    u.previous_vintage_at,
    u.previous_source_id,
    u.previous_file,
    u.previous_value,
    u.previous_provenance,
    u.revised_vintage,
    u.revised_vintage_at,
    u.revised_source_id,
    u.revised_file,
    u.revised_value,
    u.revised_provenance,
    u.revised_value - u.previous_value as change,
    round(100 * (u.revised_value - u.previous_value) / nullif(u.previous_value, 0), 4) as change_pct,
    u.revised_is_latest,
    u.previous_vintage_at = u.revised_vintage_at as same_release
from (
    select * from changed
    union all
    select * from withdrawn
) as u
left join {{ ref('dim_region') }} as r on r.kato = u.region
