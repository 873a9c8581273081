{#
    The source relation when the table exists, else an empty stand-in with its columns: for
    raw tables a loader creates only once it has data (VK without a token, an ad platform
    without credentials), so that a warehouse without them still builds. `empty` is either a
    query with the table's columns and no rows, or a mapping column -> ClickHouse type (each
    column then Nullable of that type, a column rather than a NULL constant: a model casting it
    to a non-Nullable type would fail on ClickHouse 24.8 and 25.8, which cast constants while
    analysing the query, even one that reads no rows). source() is always called, so lineage
    and freshness stay declared.
#}
{% macro source_or_empty(source_name, table_name, empty) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) is none -%}
        {%- if empty is mapping %}
        (
            select
                {%- for name, type in empty.items() %}
                materialize(cast(null, 'Nullable({{ type }})')) as {{ name }}{{ "," if not loop.last }}
                {%- endfor %}
            from system.one
            where 0
        )
        {%- else -%}
        ({{ empty }})
        {%- endif -%}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
