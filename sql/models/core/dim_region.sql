-- Regions (KATO) and the country ('KZ'), with validity and the administrative changes behind it.
with changes as (
    select
        kato,
        -- a region formed from another keeps the parent's code for lineage questions
        max(related_kato) filter (where change = 'separated_from') as formed_from_kato,
        max(change_date) filter (where change = 'separated_from') as formed_on,
        list(
            strftime(change_date, '%Y-%m-%d') || ' ' || change || coalesce(' ' || related_kato, '') || ': ' || note
            order by change_date
        ) as changes
    from {{ ref('ref_region_changes') }}
    group by kato
),

aliases as (
    select kato, list(distinct alias order by alias) as aliases
    from {{ ref('dim_region_alias') }}
    group by kato
)

select
    r.kato,
    r.name_ru,
    r.name_kk,
    r.name_en,
    r.kind,
    cast(r.valid_from as date) as valid_from,
    cast(r.valid_to as date) as valid_to,
    r.valid_to is null as is_current,
    c.formed_from_kato,
    c.formed_on,
    coalesce(c.changes, []) as changes,
    coalesce(a.aliases, []) as aliases,
    r.notes
from {{ ref('ref_regions') }} as r
left join changes as c using (kato)
left join aliases as a using (kato)
