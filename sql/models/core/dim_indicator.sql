-- Indicator vocabulary; can_be_negative drives the sign checks.
select
    code,
    name_ru,
    name_en,
    unit,
    period_form,
    cast(can_be_negative as boolean) as can_be_negative,
    unit = 'persons' as is_count,
    description
from {{ ref('ref_indicators') }}
