{#
    The source relation when the table exists, else `empty_select` (a query with the
    table's columns and no rows): for sources a loader creates only once it has data (VK
    without a token), so that a warehouse without them still builds. source() is always
    called, so the dependency is recorded at parse time.
#}
{% macro source_or_empty(source_name, table_name, empty_select) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) is none -%}
        ({{ empty_select }})
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
