{#- A destinations mart: emigrants of one flow (labour_emigration, departures) by destination
    country and year, each country's share of the national total and rank, and an "other /
    unspecified" row for what the named countries leave of the total. -#}
{% macro destination_shares(indicator) -%}
with destinations as (
    select f.*, c.name_ru, c.name_en
    from {{ ref('fct_emigration_by_destination') }} as f
    join {{ ref('dim_country') }} as c on c.code = f.country
    -- world regions ("Европа") overlap the countries inside them: not a slice of the total
    where f.indicator = '{{ indicator }}' and c.kind = 'country' and f.year is not null
),

years as (
    select
        year,
        max(national_total) as national_total,
        max(national_total_source_kind) as national_total_source_kind,
        max(national_total_source) as national_total_source,
        sum(emigrants) as listed
    from destinations
    group by year
),

countries as (
    select
        d.year,
        d.country as country_code,
        d.name_ru as country_name_ru,
        d.name_en as country_name_en,
        d.emigrants,
        y.national_total,
        round(100 * d.emigrants / y.national_total, 1) as share_pct,
        cast(rank() over (partition by d.year order by d.emigrants desc) as integer) as rank,
        false as is_remainder,
        d.source_kind,
        d.source_label as source
    from destinations as d
    join years as y using (year)
),

remainder as (
    select
        year,
        'ZZ' as country_code,
        'Другие / не указано' as country_name_ru,
        'Other / unspecified' as country_name_en,
        national_total - listed as emigrants,
        national_total,
        round(100 * (national_total - listed) / national_total, 1) as share_pct,
        null::integer as rank,
        true as is_remainder,
        national_total_source_kind as source_kind,
        national_total_source as source
    from years
    -- only when the total is known and the named countries do not cover it
    where national_total is not null and national_total - listed > 0
)

-- whole persons as BIGINT (the arithmetic above stays on the source values)
select
    * replace (cast(emigrants as bigint) as emigrants, cast(national_total as bigint) as national_total),
    make_date(year, 1, 1) as year_start
from (
    select * from countries
    union all
    select * from remainder
)
{%- endmacro %}
