-- Migration flows by region and period: departures, arrivals, net migration. Official latest
-- vintage where published; document claims fill only keys the bureau does not publish.
select
    region,
    {{ period_columns() }},
    {{ measure('departures', 'departures') }},
    {{ measure('arrivals', 'arrivals') }},
    {{ measure('net_migration', 'net_migration') }},
    -- only ever a document's claim ("выбыло в 1,4 раза больше"); kept to compare with the data
    max(value) filter (where indicator = 'departures_growth_ratio') as departures_growth_ratio_claimed,
    {{ row_source_kind("filter (where indicator <> 'departures_growth_ratio')") }} as source_kind,
    max(vintage) filter (where source_kind = 'official') as official_vintage
from {{ ref('fct_observation_current') }}
where indicator in ('departures', 'arrivals', 'net_migration', 'departures_growth_ratio')
    and sex = 'total'
    -- the territory's totals only: a flow to or from one country (departures to Russia) is a part of
    -- them, not another reading of the same total (core.fct_emigration_by_destination has the parts)
    and country is null
    and occupation is null
group by region, period, period_kind, period_start, period_end
-- a period with only the growth-ratio claim has no flow to report
having count(*) filter (where indicator <> 'departures_growth_ratio') > 0
