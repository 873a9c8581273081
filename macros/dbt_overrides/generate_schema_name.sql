{#
    Custom schemas are ClickHouse databases and are used as-is: `+schema: staging` builds into
    the database `staging`, not `<target schema>_staging`. Models without a custom schema go to
    the target's default database.

    Write-audit-publish (macros/run_hooks/publish.sql): a model configured `+schema: marts` is
    built (written and tested) in the database var('marts_build_database'), and `publish_marts`
    moves it into `marts` at the end of a run whose error-severity tests all passed. Called
    without a node (e.g. the DataLens grants), 'marts' stays the published database.

    The docs site (`make docs` sets var('docs_published_relations')) names the marts where
    DataLens reads them, `marts`. A var given on the command line makes dbt parse again, so no
    build reuses that parse; and the run hooks find no mart in the build database to move.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' and node is not none
        and node.resource_type == 'model' and not var('docs_published_relations', false) -%}
        {{ var('marts_build_database', 'marts_build') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
