{#
    One query-string parameter of a URL: the first occurrence, the fragment ignored
    ('#utm_content=x' is not a parameter), URL-decoded, trimmed; '' and absent become NULL.
#}
{% macro url_parameter(url, name) -%}
    {{ clean_text("decodeURLComponent(extractURLParameter(cutFragment(coalesce(" ~ url ~ ", '')), '" ~ name ~ "'))") }}
{%- endmacro %}
