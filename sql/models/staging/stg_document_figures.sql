-- Figures quoted in documents, typed and keyed like the bureau's observations.
select
    f.document_sha256,
    d.name as document_name,
    f.page,
    f.position,
    f.indicator,
    cast(f.value as double) as value,
    f.unit,
    f.period,
    f.region,
    f.country,
    f.occupation,
    f.precision,
    f.text
from {{ source('raw', 'document_figures') }} as f
left join {{ source('raw', 'documents') }} as d on d.sha256 = f.document_sha256
