-- The value to use for each key (indicator × region × country × occupation × sex × period):
-- the latest vintage of the official table when the bureau publishes the key, otherwise the
-- latest document's claim. A document never overrides an official value; the claim stays in
-- claimed_value (and in marts.note_claims).
with latest as (
    select * from {{ ref('fct_observation') }}
    where is_latest_vintage
),

ranked as (
    select
        *,
        row_number() over (
            partition by indicator, region, country, occupation, sex, period
            -- official first; two bureau tables carrying one key: the most recent vintage
            order by case source_kind when 'official' then 0 else 1 end, vintage_at desc, table_id
        ) as preference,
        max(value) filter (where source_kind = 'document') over (
            partition by indicator, region, country, occupation, sex, period
        ) as claimed_value,
        count(*) filter (where source_kind = 'official') over (
            partition by indicator, region, country, occupation, sex, period
        ) as official_tables
    from latest
)

select
    observation_id,
    indicator, region, country, occupation, sex,
    period, period_kind, period_start, period_end, annual_year,
    value, unit,
    source_kind, source_id, table_id, source_name, source_label, vintage,
    provenance, stated_precision,
    claimed_value,
    official_tables
from ranked
where preference = 1
