{#
    The source table, or an empty row set with the given columns when the loader has not
    created it yet: a platform without credentials is skipped by `make load`, and the ad
    models must still build (with no rows) on such a warehouse. `columns` maps each column
    the model reads to its ClickHouse type. source() is always called, so lineage and
    freshness stay declared.
#}
{% macro source_or_empty(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        (
            select
                {%- for name, type in columns.items() %}
                cast(null, 'Nullable({{ type }})') as {{ name }}{{ "," if not loop.last }}
                {%- endfor %}
            from system.one
            where 0
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}


{#
    One query-string parameter of a URL: the first occurrence, the fragment ignored
    ('#utm_content=x' is not a parameter), URL-decoded, trimmed; '' and absent become NULL.
#}
{% macro url_parameter(url, name) -%}
    {{ clean_text("decodeURLComponent(extractURLParameter(cutFragment(coalesce(" ~ url ~ ", '')), '" ~ name ~ "'))") }}
{%- endmacro %}
