{#
    Custom schemas are ClickHouse databases and are used as-is: `+schema: marts` builds into
    the database `marts`, not `<target schema>_marts`. Models without a custom schema go to
    the target's default database.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
