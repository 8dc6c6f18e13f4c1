-- Figures the extractor was not sure enough of to make facts: they wait here, outside the facts
-- and outside note_claims, until an analyst accepts, rejects or fixes them in
-- raw/documents/corrections.yaml (`kazmig review` writes the entries to fill in).
select
    f.document_sha256,
    d.document_name,
    f.page,
    f.position,
    f.figure_key,
    f.indicator,
    f.value,
    f.unit,
    f.period,
    f.region,
    r.name_ru as region_name_ru,
    f.country,
    f.occupation,
    f.confidence,
    f.how,
    f.evidence,
    f.quoted_text
from {{ ref('stg_document_figures') }} as f
left join {{ ref('stg_documents') }} as d using (document_sha256)
left join {{ ref('dim_region') }} as r on r.kato = f.region
where f.status = 'review'
