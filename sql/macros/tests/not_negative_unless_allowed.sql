{#- Counts that cannot be negative are not: ref_indicators.can_be_negative decides. Either the
    column holds values of one fixed `indicator`, or `indicator_column` names each row's indicator.
    Fails with the offending rows. -#}
{% test not_negative_unless_allowed(model, column_name, indicator=none, indicator_column=none) %}
select m.*
from {{ model }} as m
join {{ ref('dim_indicator') }} as i
  on i.code = {% if indicator %}'{{ indicator }}'{% else %}m.{{ indicator_column }}{% endif %}
where not i.can_be_negative
  and m.{{ column_name }} < 0
{% endtest %}
