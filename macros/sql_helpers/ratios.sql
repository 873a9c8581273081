{#
    Divisions of the marts (docs/marts.md, conventions): never a division error, never a
    made-up 0 — NULL when the divisor is 0.
#}


{# A ratio as Nullable(Float64): numerator / denominator, NULL when the denominator is 0. #}
{% macro ratio(numerator, denominator) -%}
    if({{ denominator }} = 0, null, toFloat64({{ numerator }}) / toFloat64({{ denominator }}))
{%- endmacro %}


{#
    Rubles per something (a cost per click, an LTV per buyer): rubles / denominator rounded
    half away from zero to kopecks, as a Decimal; NULL when the denominator is 0.
#}
{% macro rubles_per(rubles, denominator) -%}
    if({{ denominator }} = 0, null, round(toDecimal128({{ rubles }}, 6) / {{ denominator }}, 2))
{%- endmacro %}
