-- Monthly wages offered to migrant workers, by destination and occupation (documents today).
select
    country,
    occupation,
    region,
    period,
    max(value) filter (where indicator = 'wage_offer_min') as wage_offer_min,
    max(value) filter (where indicator = 'wage_offer_max') as wage_offer_max,
    max(unit) as unit,
    {{ row_source_kind('') }} as source_kind,
    string_agg(distinct source_label, '; ') as source,
    string_agg(provenance, '; ' order by indicator desc) as provenance
from {{ ref('fct_observation_current') }}
where indicator in ('wage_offer_min', 'wage_offer_max')
group by country, occupation, region, period
