{#
    Fails for every row where `expression` is not true (false or NULL).
    Model level: `expression: "revenue >= 0"`; column level: the column name is prefixed,
    `expression: ">= 0"`. Optional `where` (standard dbt config) narrows the rows.
#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    {% if column_name is none %}
    where not coalesce({{ expression }}, false)
    {% else %}
    where not coalesce({{ column_name }} {{ expression }}, false)
    {% endif %}
{% endtest %}
