-- Every figure in use (the current value of each key, official or quoted in a document) with the
-- trace a footnote needs: source, title, vintage, file and cell (or document, page and figure).
select
    c.observation_id,
    c.indicator,
    i.name_ru as indicator_name_ru,
    i.name_en as indicator_name_en,
    c.unit,
    c.region,
    r.name_ru as region_name_ru,
    r.name_en as region_name_en,
    c.country,
    k.name_ru as country_name_ru,
    k.name_en as country_name_en,
    c.occupation,
    o.name_ru as occupation_name_ru,
    o.name_en as occupation_name_en,
    c.sex,
    c.period,
    c.period_kind,
    c.period_start,
    c.period_end,
    c.annual_year as year,
    c.value,
    c.stated_precision,
    c.source_kind,
    c.source_id,
    -- a document is cited by its own title (its file name when it has none)
    coalesce(s.title, d.document_title, c.source_name) as source_title,
    s.attribution as source_attribution,
    c.source_label,
    c.vintage,
    f.file_name as file,
    f.file_sha256,
    f.page,
    f.position,
    f.sheet,
    f.sheet_row,
    f.sheet_col,
    c.provenance
from {{ ref('fct_observation_current') }} as c
join {{ ref('fct_observation') }} as f using (observation_id)
left join {{ ref('stg_bns_sources') }} as s on s.source_id = c.source_id
left join {{ ref('stg_documents') }} as d on c.source_kind = 'document' and d.document_sha256 = f.file_sha256
left join {{ ref('dim_indicator') }} as i on i.code = c.indicator
left join {{ ref('dim_region') }} as r on r.kato = c.region
left join {{ ref('dim_country') }} as k on k.code = c.country
left join {{ ref('dim_occupation') }} as o on o.isco = c.occupation
