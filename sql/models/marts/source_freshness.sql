-- Per source: when it was last checked and last changed, which vintage is in use, how many rows
-- it contributes, and whether that is fresh for its cadence.
with sources as (
    select source_id, table_id, title, format, cadence from {{ ref('stg_bns_sources') }}
    -- a source landed or fetched but missing from the catalogue still shows up
    union
    select distinct source_id, table_id, null, format, null
    from {{ ref('stg_bns_observations') }}
    where source_id not in (select source_id from {{ ref('stg_bns_sources') }})
),

checks as (
    select
        source_id,
        max(finished_at) as last_check,
        arg_max(outcome, finished_at) as last_check_outcome,
        arg_max(error, finished_at) as last_check_error,
        -- a check that reached the bureau: a landed bundle or sample says nothing about its freshness
        max(finished_at) filter (
            where outcome in ('changed', 'unchanged', 'repaired') and coalesce(via, 'http') = 'http'
        ) as last_success,
        max(finished_at) filter (where outcome = 'changed') as last_change,
        count(*) as checks
    from {{ ref('stg_bns_fetch_manifest') }}
    group by source_id
),

observations as (
    select
        source_id,
        max(vintage) as latest_landed_vintage,
        count(distinct vintage_at) as landed_vintages,
        max(vintage) filter (where is_latest_vintage) as vintage_in_use,
        arg_max(vintage_basis, vintage_at) filter (where is_latest_vintage) as vintage_in_use_basis,
        count(*) as rows_all_vintages,
        count(*) filter (where is_latest_vintage) as rows_in_use,
        max(period_end) as latest_period_end
    from {{ ref('fct_observation') }}
    where source_kind = 'official'
    group by source_id
),

bureau as (
    select
        s.source_id,
        'official' as source_kind,
        s.table_id,
        s.title,
        s.format,
        s.cadence,
        c.last_check,
        c.last_check_outcome,
        c.last_check_error,
        coalesce(c.last_change, cast(o.latest_landed_vintage as timestamp)) as last_change,
        o.latest_landed_vintage,
        o.vintage_in_use,
        o.vintage_in_use_basis,
        coalesce(o.landed_vintages, 0) as landed_vintages,
        coalesce(o.rows_in_use, 0) as rows_in_use,
        coalesce(o.rows_all_vintages, 0) as rows_all_vintages,
        o.latest_period_end,
        -- how long a successful check stays good, by the bureau's update cadence
        case s.cadence
            when 'daily' then 2 when 'weekly' then 8 when 'monthly' then 32
            when 'quarterly' then 93 else 366
        end as max_age_days,
        c.last_success
    from sources as s
    left join checks as c using (source_id)
    left join observations as o using (source_id)
),

documents as (
    select
        'doc:' || d.document_sha256 as source_id,
        'document' as source_kind,
        d.document_sha256 as table_id,
        d.document_name as title,
        'pdf' as format,
        null as cadence,
        d.landed_at as last_check,
        'landed' as last_check_outcome,
        null as last_check_error,
        d.landed_at as last_change,
        d.vintage as latest_landed_vintage,
        d.vintage as vintage_in_use,
        'landed' as vintage_in_use_basis,
        1 as landed_vintages,
        (
            select count(*) from {{ ref('fct_observation') }} as f
            where f.source_id = 'doc:' || d.document_sha256
        ) as rows_in_use,
        (
            select count(*) from {{ ref('fct_observation') }} as f
            where f.source_id = 'doc:' || d.document_sha256
        ) as rows_all_vintages,
        null::date as latest_period_end,
        null::integer as max_age_days,
        d.landed_at as last_success
    from {{ ref('stg_documents') }} as d
),

all_sources as (
    select * from bureau
    union all by name
    select * from documents
)

select
    source_id,
    source_kind,
    table_id,
    title,
    format,
    cadence,
    last_check,
    last_check_outcome,
    last_check_error,
    last_change,
    latest_landed_vintage,
    vintage_in_use,
    vintage_in_use_basis,
    landed_vintages,
    rows_in_use,
    rows_all_vintages,
    latest_period_end,
    case
        when source_kind = 'document' then 'static'
        when last_check is null and landed_vintages = 0 then 'never_fetched'
        when last_check_outcome = 'failed' then 'failed'
        when last_success is null then 'never_checked'
        when date_diff('day', last_success, current_timestamp::timestamp) > max_age_days then 'stale'
        else 'fresh'
    end as status,
    case
        when source_kind = 'document' then 'a document is a fixed publication; no update cadence'
        when last_check is null and landed_vintages = 0 then 'no download attempt and no landed file'
        when last_check_outcome = 'failed' then 'last check failed: ' || coalesce(last_check_error, 'unknown error')
        when last_success is null
            then 'never checked: no download has reached the bureau yet'
                || coalesce(
                    '; the vintage in use (' || vintage_in_use || ') was landed from a bundle or the sample', ''
                )
        when date_diff('day', last_success, current_timestamp::timestamp) > max_age_days
            then 'last successful check ' || cast(last_success as date) || ' is older than the '
                || coalesce(cadence, 'annual') || ' cadence allows'
        when last_check_outcome = 'offline'
            then 'bureau unreachable at the last check; the last successful check, '
                || cast(last_success as date) || ', is within the cadence'
        else 'checked within the ' || coalesce(cadence, 'annual') || ' cadence'
    end as status_reason,
    current_timestamp::timestamp as evaluated_at
from all_sources
