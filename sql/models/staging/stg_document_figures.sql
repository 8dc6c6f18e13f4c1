-- Figures read from documents, typed and keyed like the bureau's observations, with how sure
-- the extractor is of each and what an analyst decided about it (raw/documents/corrections.yaml).
-- Only status = 'fact' reaches the facts; 'review' waits in marts.figures_to_review.
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
    evidence,
    key as figure_key,
    cast(confidence as double) as confidence,
    status,
    how,
    correction_action,
    corrected_by,
    corrected_at,
    correction_note,
    original as original_figure,
    extractor_version
from {{ source('raw', 'document_figures') }}
