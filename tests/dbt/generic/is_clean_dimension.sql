{#
    Text dimensions of the marts (docs/marts.md, conventions): not NULL, not empty,
    lowercase (UTF-8) and trimmed of Unicode white space and control characters (the same
    pattern as the macro trim_text); missing values are the literal 'unknown'. Fails for
    every row that breaks this.
#}
{% test is_clean_dimension(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is null
        or {{ column_name }} = ''
        or {{ column_name }} != lowerUTF8({{ column_name }})
        or match({{ column_name }}, {{ untrimmed_ends_pattern() }})
{% endtest %}
