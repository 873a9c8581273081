{#
    dbt-clickhouse's engine clause of every table it creates (models, seeds), with the engine
    replicated on a cluster (macros/sql_helpers/cluster.sql): one rule for every table, so a
    model added later is replicated too without a config line of its own.
#}
{% macro engine_clause() -%}
    engine = {{ replicated_engine(config.get('engine', default='MergeTree()')) }}
{%- endmacro %}
