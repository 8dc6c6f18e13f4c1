-- Every spelling of every region: the reference aliases (with validity for renames), the official
-- names in three languages, and every label the bureau's files actually carry.
with reference as (
    select
        kato, alias, cast(valid_from as date) as valid_from, cast(valid_to as date) as valid_to,
        note, 'reference' as alias_source, 1 as priority
    from {{ ref('ref_region_aliases') }}
),

names as (
    select kato, name, null::date, null::date, 'official name (' || lang || ')', 'name', 2
    from {{ ref('ref_regions') }}
    unpivot (name for lang in (name_ru as 'ru', name_kk as 'kk', name_en as 'en'))
),

observed as (
    select distinct
        region, region_label, null::date, null::date,
        'label in bureau files', 'bureau_label', 3
    from {{ ref('stg_bns_observations') }}
    where region_label is not null and region is not null
),

unioned as (
    select * from reference
    union all
    select * from names
    union all
    select * from observed
)

select
    kato,
    alias,
    {{ region_label_key('alias') }} as alias_key,
    valid_from,
    valid_to,
    alias_source,
    note
from unioned
-- the same spelling may come from several places; keep the reference row (it carries validity)
qualify row_number() over (partition by kato, alias order by priority) = 1
