{#- A territory label reduced to a comparable key; mirrors pipelines.reference.normalise_label
    (case, ё/е, footnote marks, the "г."/"город" prefix, the word "область"). RE2's \b is
    ASCII-only, so "область" is matched between spaces instead. -#}
{% macro region_label_key(col) -%}
    trim(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    trim(regexp_replace(
                        replace(lower(trim(replace({{ col }}, chr(160), ' '))), 'ё', 'е'),
                        '(\s*(\d+\)?|\*+|\(\d+\)))+$', '')),
                    '^(г\.|г |город )\s*', ''),
                '(^|\s)область(\s|$)', ' ', 'g'),
            '\s+', ' ', 'g'),
        ' .,')
{%- endmacro %}
