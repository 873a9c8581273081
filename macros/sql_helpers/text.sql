{#
    Categorical text: trimmed (any ASCII whitespace) and lowercased (UTF-8 aware, so
    Cyrillic is lowercased too); empty becomes NULL.
#}
{% macro clean_category(column) -%}
    nullIf(lowerUTF8({{ trim_text(column) }}), '')
{%- endmacro %}


{# Free text: trimmed of surrounding whitespace, case kept; empty becomes NULL. #}
{% macro clean_text(column) -%}
    nullIf({{ trim_text(column) }}, '')
{%- endmacro %}


{# Both ends trimmed of ASCII whitespace (trimBoth alone removes only spaces). #}
{% macro trim_text(column) -%}
    replaceRegexpAll({{ column }}, '^[[:space:]]+|[[:space:]]+$', '')
{%- endmacro %}
