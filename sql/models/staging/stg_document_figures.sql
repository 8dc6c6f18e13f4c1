-- Figures quoted in documents, typed and keyed like the bureau's observations.
select
    document_sha256,
    cast(page as integer) as page,
    cast(position as integer) as position,
    indicator,
    cast(value as double) as value,
    unit,
    period,
    {{ period_kind('period') }} as period_kind,
    {{ period_start('period') }} as period_start,
    {{ period_end('period') }} as period_end,
    region,
    country,
    occupation,
    -- documents quote national or regional totals, never by sex
    'total' as sex,
    cast(precision as double) as stated_precision,
    text as quoted_text,
    extractor_version
from {{ source('raw', 'document_figures') }}
