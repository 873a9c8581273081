{#
    Custom schemas are ClickHouse databases and are used as-is: `+schema: staging` builds into
    the database `staging`, not `<target schema>_staging`. Models without a custom schema go to
    the target's default database.

    Write-audit-publish (macros/publish.sql): a model configured `+schema: marts` is built
    (written and tested) in the database var('marts_build_database'), and `publish_marts`
    moves it into `marts` at the end of a run whose error-severity tests all passed. Called
    without a node (e.g. the DataLens grants), 'marts' stays the published database.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' and node is not none
        and node.resource_type == 'model' -%}
        {{ var('marts_build_database', 'marts_build') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
