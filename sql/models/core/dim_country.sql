-- Countries (ISO alpha-2/alpha-3) and UN M49 world regions, plus 'ZZ' (ISO's user-assigned
-- "unknown") so the remainder row of destination charts has a valid code.
with countries as (
    select
        c.code,
        nullif(c.alpha3, '') as alpha3,
        m.m49 as m49_code,
        c.kind,
        c.name_ru,
        c.name_en,
        case
            when coalesce(c.aliases, '') = '' then []
            else string_split(c.aliases, ';')
        end as aliases,
        m.region_m49,
        m.region_name_ru,
        m.region_name_en,
        nullif(m.subregion_m49, '') as subregion_m49,
        nullif(m.subregion_name_ru, '') as subregion_name_ru,
        nullif(m.subregion_name_en, '') as subregion_name_en,
        m.parent_m49
    from {{ ref('ref_countries') }} as c
    left join {{ ref('ref_country_m49') }} as m using (code)
)

select * from countries
union all
select
    'ZZ', null, null, 'unspecified', 'Другие / не указано', 'Other / unspecified', ['другие', 'прочие'],
    null, null, null, null, null, null, null
