-- Landed PDF documents. A document is a fixed publication: its vintage is its own date (the PDF's
-- creation date), and only a PDF that carries no date falls back to the day it was landed.
select
    sha256 as document_sha256,
    name as document_name,
    title as document_title,
    cast(size as bigint) as size_bytes,
    cast(pages as integer) as pages,
    cast(landed_at as timestamp) as landed_at,
    cast(document_date as date) as document_date,
    coalesce(cast(document_date as date), cast(landed_at as date)) as vintage,
    path
from {{ source('raw', 'documents') }}
