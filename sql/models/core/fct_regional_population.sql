-- Population (total, urban, rural) by region and date, sexes combined. Official latest vintage
-- where the bureau publishes the date, document claims only for dates it does not.
select
    region,
    period_start as population_date,
    -- the bureau's annual series is the population on 1 January
    case when month(period_start) = 1 and day(period_start) = 1 then cast(year(period_start) as integer) end as year,
    {{ measure('population', 'population') }},
    {{ measure('population_urban', 'population_urban') }},
    {{ measure('population_rural', 'population_rural') }},
    coalesce(
        round(
            100 * max(value) filter (where indicator = 'population_urban')
            / nullif(max(value) filter (where indicator = 'population'), 0), 1
        ),
        max(value) filter (where indicator = 'population_urban_share')
    ) as urban_share_pct,
    -- a share computed from counts inherits their source kind ('mixed' when they differ)
    case
        when max(value) filter (where indicator = 'population_urban') is not null
            and max(value) filter (where indicator = 'population') is not null
            then {{ row_source_kind("filter (where indicator in ('population', 'population_urban'))") }}
        else max(source_kind) filter (where indicator = 'population_urban_share')
    end as urban_share_source_kind,
    {{ row_source_kind('') }} as source_kind,
    max(vintage) filter (where source_kind = 'official') as official_vintage
from {{ ref('fct_observation_current') }}
where indicator in ('population', 'population_urban', 'population_rural', 'population_urban_share')
    and sex = 'total'
    and period_kind = 'date'
group by region, period_start
