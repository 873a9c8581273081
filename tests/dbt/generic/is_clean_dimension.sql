{#
    Text dimensions of the marts (docs/marts.md, conventions): not NULL, not empty,
    lowercase (UTF-8) and trimmed; missing values are the literal 'unknown'. Fails for every
    row that breaks this.
#}
{% test is_clean_dimension(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is null
        or {{ column_name }} = ''
        or {{ column_name }} != lowerUTF8({{ column_name }})
        or {{ column_name }} != replaceRegexpAll({{ column_name }}, '^[[:space:]]+|[[:space:]]+$', '')
{% endtest %}
