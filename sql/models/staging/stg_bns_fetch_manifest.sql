-- One row per download attempt of a bureau source.
select
    source_id,
    url,
    cast(started as timestamp) as started_at,
    cast(finished as timestamp) as finished_at,
    cast(status as integer) as http_status,
    outcome,
    etag,
    last_modified,
    sha256 as file_sha256,
    cast(bytes as bigint) as bytes,
    content_type,
    error,
    via  -- http: the bureau answered; bundle or sample: files landed without asking it
from {{ source('raw', 'bns_fetch_manifest') }}
