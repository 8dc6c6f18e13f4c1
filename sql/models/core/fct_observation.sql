select
    indicator,
    region,
    country,
    occupation,
    period,
    value,
    unit,
    'document' as source_kind,
    'doc:' || document_sha256 as source_id,
    null::date as vintage,
    document_sha256 as file_sha256,
    'page ' || page || ', figure ' || position as provenance
from {{ ref('stg_document_figures') }}
