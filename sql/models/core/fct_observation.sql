-- Every value from every source and vintage, official (bureau tables) and document (figures quoted
-- in PDFs) side by side. Grain: indicator × region × country × occupation × sex × period × source × vintage.
-- Which file of a bureau table is current, per slice (indicator × sex × period): the newest
-- release (vintage_at); within one release (two formats of an element fetched together, without
-- a better date than the refresh), the file whose data reach the later period, then CSV before
-- JSON before XLSX, then the source id. Latest is chosen per table (element), not per download
-- format: the CSV and the XLSX of element 6584 are vintages of one table. A key that another file
-- has but the current file of its slice lacks is withdrawn, not current: the XLSX of 2023 lists
-- Shymkent for 2017 in post-2018 borders, the CSV of 2026 gives 2017 in the old borders (South
-- Kazakhstan incl. Shymkent); mixing both would count Shymkent twice. Nothing is lost: every
-- file's values stay here, and marts.revisions shows where they disagree.
with bureau as (
    select
        *,
        max(period_end) over (partition by file_sha256, source_id) as file_last_period,
        case format when 'bns_csv' then 1 when 'bns_json' then 2 else 3 end as format_rank
    from {{ ref('stg_bns_observations') }}
),

chosen as (
    select
        *,
        -- 1 for the current file of the slice, 2 for the one it takes precedence over, ...
        dense_rank() over (
            partition by table_id, indicator, sex, period
            order by vintage_at desc, file_last_period desc, format_rank, source_id, file_sha256
        ) as vintage_rank
    from bureau
),

official as (
    select
        indicator, region, null::varchar as country, null::varchar as occupation, sex,
        period, period_kind, period_start, period_end, value, unit,
        'official' as source_kind,
        source_id,
        table_id,
        source_id as source_name,
        vintage,
        vintage_at,
        vintage_basis,
        file_sha256,
        file_name,
        null::integer as page,
        null::integer as position,
        sheet,
        sheet_row,
        sheet_col,
        null::double as stated_precision,
        region_label,
        null::varchar as quoted_text,
        1 as mentions,
        null::varchar as correction,
        vintage_rank,
        -- the current file of the key's slice does not have the key
        min(vintage_rank) over (partition by table_id, indicator, region, sex, period) > 1 as is_withdrawn
    from chosen
),

figures as (
    select
        f.*,
        d.document_name,
        d.vintage,
        count(*) over (
            partition by
                f.document_sha256, f.indicator, f.region, f.country,
                f.occupation, f.sex, f.period
        ) as mentions
    from {{ ref('stg_document_figures') }} as f
    left join {{ ref('stg_documents') }} as d using (document_sha256)
    -- figures waiting for review (or rejected) are not facts
    where f.status = 'fact'
    -- a document may quote the same figure twice; the first mention stands for the document
    -- (marts.note_claims still lists every mention)
    qualify
        row_number() over (
            partition by f.document_sha256, f.indicator, f.region, f.country, f.occupation, f.sex, f.period
            order by f.page, f.position
        ) = 1
),

document as (
    select
        indicator, region, country, occupation, sex,
        period, period_kind, period_start, period_end, value, unit,
        'document' as source_kind,
        'doc:' || document_sha256 as source_id,
        document_sha256 as table_id,
        coalesce(document_name, document_sha256) as source_name,
        vintage,
        cast(vintage as timestamp) as vintage_at,
        'landed' as vintage_basis,
        document_sha256 as file_sha256,
        document_name as file_name,
        page,
        position,
        null::varchar as sheet,
        null::integer as sheet_row,
        null::varchar as sheet_col,
        stated_precision,
        null::varchar as region_label,
        quoted_text,
        mentions,
        -- who corrected the figure, what and when (raw/documents/corrections.yaml)
        case
            when correction_action is not null
                then correction_action || 'ed by ' || coalesce(corrected_by, 'an analyst')
                    || coalesce(' on ' || corrected_at, '') || coalesce(' (' || correction_note || ')', '')
        end as correction,
        false as is_withdrawn,
        -- documents are never revised in place; among documents quoting the same key the most
        -- recently landed one is the current claim
        row_number() over (
            partition by indicator, region, country, occupation, sex, period
            order by vintage desc nulls last, document_sha256
        ) as vintage_rank
    from figures
),

unioned as (
    select * from official
    union all by name
    select * from document
)

select
    md5(concat_ws(
        '|', indicator, coalesce(region, '∅'), coalesce(country, '∅'), coalesce(occupation, '∅'),
        sex, coalesce(period, '∅'), source_id, coalesce(cast(vintage_at as varchar), '∅'),
        coalesce(file_sha256, '∅')
    )) as observation_id,
    indicator,
    region,
    country,
    occupation,
    sex,
    period,
    period_kind,
    period_start,
    period_end,
    -- the year of an annual point: a calendar year, or a stock on 1 January
    case
        when period_kind = 'year' then year(period_start)
        when period_kind = 'date' and month(period_start) = 1 and day(period_start) = 1 then year(period_start)
    end::integer as annual_year,
    value,
    unit,
    source_kind,
    source_id,
    table_id,
    source_name,
    vintage,
    vintage_at,
    vintage_basis,
    vintage_rank::integer as vintage_rank,
    vintage_rank = 1 as is_latest_vintage,
    is_withdrawn,
    file_sha256,
    file_name,
    page,
    position,
    sheet,
    sheet_row,
    sheet_col,
    -- one readable string for people, the parts above for machines
    left(file_sha256, 12) || ' ' || coalesce(file_name, '') || ': '
    || case
        when page is not null
            then 'page ' || page || ', figure ' || position
                || coalesce('; ' || correction, '')
        when sheet is not null then 'sheet "' || sheet || '", row ' || sheet_row || ', column ' || sheet_col
        else 'row ' || coalesce(cast(sheet_row as varchar), '?') || coalesce(', column ' || sheet_col, '')
    end as provenance,
    source_name || ' (' || source_kind || coalesce(', ' || cast(vintage as varchar), '') || ')' as source_label,
    stated_precision,
    mentions,
    region_label,
    quoted_text
from unioned
