{#- A yearly series (one per combination of `series` columns, years in column_name) has no
    missing year between its first and last. Fails with the series and its missing years. -#}
{% test no_gaps_in_yearly_series(model, column_name, series) %}
with points as (
    select {{ series | join(', ') }}, list(distinct {{ column_name }}) as years,
           min({{ column_name }}) as first_year, max({{ column_name }}) as last_year
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ series | join(', ') }}
)

select {{ series | join(', ') }}, first_year, last_year,
       [y for y in range(first_year, last_year + 1) if not list_contains(years, y)] as missing_years
from points
where len(years) < last_year - first_year + 1
{% endtest %}
