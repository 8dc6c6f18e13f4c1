-- Urban + rural = total population, exactly for the bureau's figures (in every landed file, even
-- two of one day), and
-- within the combined rounding of the stated precisions for figures quoted in documents
-- ("452,0 + 335,3 = 787,3 тыс."). Fails with the key, the three values and the gap.
with parts as (
    select
        source_kind, source_id, vintage, file_sha256, region, sex, period,
        max(value) filter (where indicator = 'population') as total,
        max(value) filter (where indicator = 'population_urban') as urban,
        max(value) filter (where indicator = 'population_rural') as rural,
        coalesce(sum(stated_precision) / 2, 0) as tolerance
    from {{ ref('fct_observation') }}
    where indicator in ('population', 'population_urban', 'population_rural')
    group by all
)

select
    source_kind, source_id, vintage, file_sha256, region, sex, period, total, urban, rural,
    urban + rural - total as difference, tolerance
from parts
where total is not null and urban is not null and rural is not null
    and abs(urban + rural - total) > tolerance + 0.5
