{#- A claim and an official observation describe the same thing (all but the period). -#}
{% macro same_observation_key(claim, official) -%}
    {{ official }}.indicator = {{ claim }}.indicator
     and {{ official }}.region is not distinct from {{ claim }}.region
     and {{ official }}.country is not distinct from {{ claim }}.country
     and {{ official }}.occupation is not distinct from {{ claim }}.occupation
     and {{ official }}.sex = {{ claim }}.sex
{%- endmacro %}
