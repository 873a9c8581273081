{#
    Categorical text: trimmed (Unicode white space and control characters, trim_text) and
    lowercased (UTF-8 aware, so Cyrillic is lowercased too); empty becomes NULL.
#}
{% macro clean_category(column) -%}
    nullIf(lowerUTF8({{ trim_text(column) }}), '')
{%- endmacro %}


{# Free text: trimmed of surrounding whitespace, case kept; empty becomes NULL. #}
{% macro clean_text(column) -%}
    nullIf({{ trim_text(column) }}, '')
{%- endmacro %}


{#
    Both ends trimmed of Unicode white space and control characters: separators (\p{Z}: the
    space, U+00A0, the ideographic space U+3000, ...), controls (\p{Cc}: tab, newline, ...)
    and invisible format characters (\p{Cf}: zero-width space, BOM). trimBoth removes only
    spaces and [[:space:]] only ASCII white space. The one definition of "trimmed": the
    generic test is_clean_dimension checks with the same pattern.
#}
{% macro trim_text(column) -%}
    replaceRegexpAll({{ column }}, {{ untrimmed_ends_pattern() }}, '')
{%- endmacro %}


{# The regular expression (RE2, UTF-8) of what trim_text removes, as a SQL string. #}
{% macro untrimmed_ends_pattern() -%}
    '^[\\p{Z}\\p{Cc}\\p{Cf}]+|[\\p{Z}\\p{Cc}\\p{Cf}]+$'
{%- endmacro %}
