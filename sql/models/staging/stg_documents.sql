-- Landed PDF documents; a document is a fixed publication, its landing date serves as its vintage.
select
    sha256 as document_sha256,
    name as document_name,
    cast(size as bigint) as size_bytes,
    cast(pages as integer) as pages,
    cast(landed_at as timestamp) as landed_at,
    cast(landed_at as date) as vintage,
    path
from {{ source('raw', 'documents') }}
