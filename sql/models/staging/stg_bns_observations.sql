-- Bureau cells, every vintage. element_id is the bureau's table id: CSV and XLSX downloads of one
-- element are vintages of the same table, so it is exposed as table_id.
select
    source_id,
    element_id as table_id,
    format,
    cast(vintage as date) as vintage,
    -- the release as a time, to the second, and how it was known (pipelines/sources/bns/vintage.py)
    cast(vintage_at as timestamp) as vintage_at,
    vintage_basis,
    file_sha256,
    file_name,
    indicator,
    region,
    region_label,
    sex,
    period,
    {{ period_kind('period') }} as period_kind,
    cast(period_start as date) as period_start,
    cast(period_end as date) as period_end,
    cast(value as double) as value,
    unit,
    sheet,
    cast("row" as integer) as sheet_row,
    col as sheet_col
from {{ source('raw', 'bns_observations') }}
