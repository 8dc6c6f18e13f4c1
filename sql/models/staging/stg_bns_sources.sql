-- The bureau source catalogue.
select
    source_id,
    element_id as table_id,
    title,
    producer,
    format,
    url,
    license,
    attribution,
    lower(cadence) as cadence
from {{ source('raw', 'bns_sources') }}
