{#- ISO period strings as used by every source: '2024' (year), '2025-04-01' (date),
    '2025-01/2025-03' (month interval), '2025-03' (month), NULL (no period). -#}

{% macro period_kind(col) -%}
    case
        when {{ col }} is null then 'none'
        when regexp_full_match({{ col }}, '\d{4}') then 'year'
        when regexp_full_match({{ col }}, '\d{4}-\d{2}-\d{2}') then 'date'
        when regexp_full_match({{ col }}, '\d{4}-\d{2}') then 'month'
        when regexp_full_match({{ col }}, '\d{4}-\d{2}/\d{4}-\d{2}') then 'months'
        else 'unknown'
    end
{%- endmacro %}

{% macro period_start(col) -%}
    case
        when regexp_full_match({{ col }}, '\d{4}') then make_date(cast({{ col }} as integer), 1, 1)
        when regexp_full_match({{ col }}, '\d{4}-\d{2}-\d{2}') then cast({{ col }} as date)
        when regexp_full_match({{ col }}, '\d{4}-\d{2}(/\d{4}-\d{2})?') then cast(left({{ col }}, 7) || '-01' as date)
    end
{%- endmacro %}

{% macro period_end(col) -%}
    case
        when regexp_full_match({{ col }}, '\d{4}') then make_date(cast({{ col }} as integer), 12, 31)
        when regexp_full_match({{ col }}, '\d{4}-\d{2}-\d{2}') then cast({{ col }} as date)
        when regexp_full_match({{ col }}, '\d{4}-\d{2}(/\d{4}-\d{2})?') then last_day(cast(right({{ col }}, 7) || '-01' as date))
    end
{%- endmacro %}

{#- A document's figure against the bureau's value: the stated precision decides how close is
    "the same number" ("428,3 тыс." has precision 100, so 428 253 confirms it). A tiny epsilon
    absorbs floating-point noise of decimal values such as 57.4. -#}
{% macro claim_status(diff, precision) -%}
    case
        when {{ diff }} is null then 'no_official_data'
        when abs({{ diff }}) <= coalesce({{ precision }}, 0) / 2 + 1e-9 then 'confirmed'
        when abs({{ diff }}) <= coalesce({{ precision }}, 0) + 1e-9 then 'rounding_difference'
        else 'mismatch'
    end
{%- endmacro %}

{#- The period columns every fact by period carries; `year` only for yearly periods. -#}
{% macro period_columns() -%}
    period,
    period_kind,
    period_start,
    period_end,
    case when period_kind = 'year' then cast(period as integer) end as year
{%- endmacro %}
