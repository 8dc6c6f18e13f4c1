-- A spelling (after normalisation) names one region at any date; otherwise the bureau parsers
-- and the extractor could map a label to the wrong region. Fails with the spelling and regions.
select a.alias_key, a.kato, a.alias, b.kato as other_kato, b.alias as other_alias
from {{ ref('dim_region_alias') }} as a
join {{ ref('dim_region_alias') }} as b
    on a.alias_key = b.alias_key
        and a.kato < b.kato
        and coalesce(a.valid_from, date '0001-01-01') < coalesce(b.valid_to, date '9999-12-31')
        and coalesce(b.valid_from, date '0001-01-01') < coalesce(a.valid_to, date '9999-12-31')
