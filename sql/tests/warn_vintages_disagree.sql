{{ config(severity = 'warn') }}
-- Advisory (warn): the download formats of one bureau table disagree - the newest file of another
-- format (the XLSX beside the CSV) states a different value, or a key the current file lacks
-- (other borders). The build goes on with the current file as fct_observation chooses it;
-- marts.revisions has every difference between vintages with both values and files. A format's
-- own older vintages are revisions, not conflicts: they are in marts.revisions, not here.
with official as (
    select *, vintage_at = max(vintage_at) over (partition by source_id) as newest_of_source
    from {{ ref('fct_observation') }}
    where source_kind = 'official'
),

current as (
    select * from official
    where is_latest_vintage
)

select
    o.table_id, o.indicator, o.region, o.sex, o.period,
    c.source_id as current_source_id, c.vintage as current_vintage, c.value as current_value,
    c.file_name as current_file,
    o.source_id as other_source_id, o.vintage as other_vintage, o.value as other_value,
    o.file_name as other_file,
    o.vintage_at = c.vintage_at as same_release
from official as o
left join current as c
    on c.table_id = o.table_id and c.indicator = o.indicator and c.region = o.region
        and c.sex = o.sex and c.period = o.period
where o.newest_of_source
    and not o.is_latest_vintage
    and o.source_id <> coalesce(c.source_id, '')
    and c.value is distinct from o.value
order by o.table_id, o.indicator, o.period, o.region
