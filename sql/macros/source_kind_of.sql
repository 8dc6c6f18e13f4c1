{#- Row-level source kind of a pivoted fact: 'official', 'document', or 'mixed' when its
    measures come from both. -#}
{% macro row_source_kind(filter) -%}
    case
        when count(distinct source_kind) {{ filter }} = 1 then max(source_kind) {{ filter }}
        when count(distinct source_kind) {{ filter }} > 1 then 'mixed'
    end
{%- endmacro %}

{#- value, source kind and source label of one indicator inside a group by. -#}
{% macro measure(indicator, name) -%}
    max(value) filter (where indicator = '{{ indicator }}') as {{ name }},
    max(source_kind) filter (where indicator = '{{ indicator }}') as {{ name }}_source_kind,
    max(source_label) filter (where indicator = '{{ indicator }}') as {{ name }}_source
{%- endmacro %}

{#- Where a value of fct_observation_current came from, and the document's claim beside it. -#}
{% macro current_source_columns() -%}
    source_kind,
    source_id,
    source_label,
    vintage,
    provenance,
    claimed_value
{%- endmacro %}
