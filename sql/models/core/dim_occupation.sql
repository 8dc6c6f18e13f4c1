-- Occupations (ISCO-08 at any level) with their place in the ISCO hierarchy.
select
    o.isco,
    length(o.isco) as isco_level,
    o.name_ru,
    o.name_en,
    case when coalesce(o.aliases, '') = '' then [] else string_split(o.aliases, ';') end as aliases,
    left(o.isco, 1) as major_group,
    g1.name_en as major_group_name_en,
    case when length(o.isco) >= 2 then left(o.isco, 2) end as sub_major_group,
    g2.name_en as sub_major_group_name_en,
    case when length(o.isco) >= 3 then left(o.isco, 3) end as minor_group,
    g3.name_en as minor_group_name_en
from {{ ref('ref_occupations') }} as o
left join {{ ref('ref_isco_groups') }} as g1 on g1.isco = left(o.isco, 1)
left join {{ ref('ref_isco_groups') }} as g2 on g2.isco = left(o.isco, 2) and length(o.isco) >= 2
left join {{ ref('ref_isco_groups') }} as g3 on g3.isco = left(o.isco, 3) and length(o.isco) >= 3
