-- Every figure extracted from a document beside the bureau's value for the same key, with a
-- verdict judged against the figure's stated precision; when the bureau has no value for the
-- stated period, the nearest period it does have.
with claims as (
    select f.*, d.document_name, d.document_title, d.vintage as document_vintage
    from {{ ref('stg_document_figures') }} as f
    left join {{ ref('stg_documents') }} as d using (document_sha256)
    -- only facts are claims: a figure waiting for review would charge the document with the
    -- extractor's mistakes
    where f.status = 'fact'
),

official as (
    select
        indicator, region, country, occupation, sex, period, period_kind, period_start,
        value, source_id, vintage, provenance
    from {{ ref('fct_observation_current') }}
    where source_kind = 'official'

    union all

    -- the bureau publishes urban and rural counts, not shares: derive the shares from them
    -- (unrounded, so the claim's own precision decides)
    select
        'population_' || part || '_share', region, null, null, 'total',
        strftime(population_date, '%Y-%m-%d'), 'date', population_date,
        100 * count_value / population,
        'derived from ' || population_source, official_vintage, null
    from {{ ref('fct_regional_population') }}
    unpivot (count_value for part in (population_urban as 'urban', population_rural as 'rural'))
    where population_source_kind = 'official'
        and population_urban_source_kind = 'official'
        and population_rural_source_kind = 'official'

    union all

    -- nor the growth of departures: the ratio to the immediately preceding year, as outflow_trend
    -- computes it, when the bureau published both years
    select
        'departures_growth_ratio', d.region, null, null, 'total', d.period, d.period_kind, d.period_start,
        d.value / prev.value,
        'derived from ' || d.source_id, d.vintage, null
    from {{ ref('fct_observation_current') }} as d
    join {{ ref('fct_observation_current') }} as prev
        on prev.indicator = 'departures' and prev.source_kind = 'official' and prev.sex = 'total'
            and prev.region = d.region and prev.period_kind = 'year' and prev.annual_year = d.annual_year - 1
    where d.indicator = 'departures' and d.source_kind = 'official' and d.sex = 'total'
        and d.period_kind = 'year' and prev.value > 0
),

exact as (
    select
        c.document_sha256, c.page, c.position,
        o.value, o.source_id, o.vintage, o.provenance
    from claims as c
    join official as o
        on {{ same_observation_key('c', 'o') }}
            and o.period is not distinct from c.period
),

nearest as (
    select
        c.document_sha256, c.page, c.position,
        o.period, o.value, o.source_id, o.vintage
    from claims as c
    join official as o
        on {{ same_observation_key('c', 'o') }}
            and o.period_kind = c.period_kind
            and o.period <> c.period
    -- equal distance either side: prefer the later period
    qualify
        row_number() over (
            partition by c.document_sha256, c.page, c.position
            order by abs(date_diff('day', c.period_start, o.period_start)), o.period_start desc
        ) = 1
)

select
    c.document_sha256,
    c.document_name,
    c.document_title,
    c.document_vintage,
    c.page,
    c.position,
    c.quoted_text,
    c.indicator,
    c.region,
    c.country,
    c.occupation,
    c.period,
    c.period_kind,
    c.unit,
    c.value as claimed_value,
    c.stated_precision,
    e.value as official_value,
    e.source_id as official_source_id,
    e.vintage as official_vintage,
    e.provenance as official_provenance,
    c.value - e.value as difference,
    round(100 * (c.value - e.value) / nullif(e.value, 0), 3) as difference_pct,
    {{ claim_status('c.value - e.value', 'c.stated_precision') }} as status,
    case when e.value is null then n.period end as nearest_official_period,
    case when e.value is null then n.value end as nearest_official_value,
    case when e.value is null then n.source_id end as nearest_official_source_id,
    case when e.value is null then n.vintage end as nearest_official_vintage,
    case when e.value is null then c.value - n.value end as nearest_difference,
    case
        when e.value is null and n.value is not null
            then {{ claim_status('c.value - n.value', 'c.stated_precision') }}
    end as nearest_status,
    case
        when e.value is null and n.value is not null
            then {{ claim_status('c.value - n.value', 'c.stated_precision') }} = 'confirmed'
    end as nearest_would_be_confirmed,
    -- names beside the codes, for people and BI tools
    i.name_en as indicator_name_en,
    i.name_ru as indicator_name_ru,
    r.name_en as region_name_en,
    r.name_ru as region_name_ru,
    k.name_en as country_name_en,
    k.name_ru as country_name_ru,
    o.name_en as occupation_name_en,
    o.name_ru as occupation_name_ru
from claims as c
left join exact as e using (document_sha256, page, position)
left join nearest as n using (document_sha256, page, position)
left join {{ ref('dim_indicator') }} as i on i.code = c.indicator
left join {{ ref('dim_region') }} as r on r.kato = c.region
left join {{ ref('dim_country') }} as k on k.code = c.country
left join {{ ref('dim_occupation') }} as o on o.isco = c.occupation
