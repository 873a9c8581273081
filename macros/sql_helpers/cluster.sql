{#
    A replicated cluster (docs/production.md, "Replicated clusters"): the profile's `cluster`
    (WAREHOUSE_CLUSTER) makes dbt-clickhouse run its DDL ON CLUSTER; these make the project's
    own DDL and tables do the same.
#}

{# ' on cluster "<name>"' after a table, database, role or profile name; '' on one host. #}
{% macro on_cluster_ddl() -%}
    {%- set cluster = adapter.get_clickhouse_cluster_name() if execute else none -%}
    {{ return(' on cluster ' ~ cluster if cluster else '') }}
{%- endmacro %}


{#
    The engine of a table on a cluster: every MergeTree of the project replicated
    (MergeTree() -> ReplicatedMergeTree(), ReplacingMergeTree(v) -> ReplicatedReplacingMergeTree(v)).
    Without Keeper path arguments the server's defaults apply (`/clickhouse/tables/{uuid}/{shard}`,
    `{replica}`), which managed clusters define. Unchanged on one host.
#}
{% macro replicated_engine(engine) -%}
    {%- set cluster = adapter.get_clickhouse_cluster_name() if execute else none -%}
    {%- set text = engine | trim -%}
    {%- if cluster and modules.re.match('^[A-Za-z]*MergeTree\\b', text) and not text.startswith('Replicated') -%}
        {{ return('Replicated' ~ text) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}


{#
    dbt run-operation print_cluster_ddl: what this target runs on its cluster (nothing is run):
    the project's own DDL of the run history, and the engine every table model and seed gets.
    The DataLens statements: print_datalens_access.
#}
{% macro print_cluster_ddl() -%}
    {{ print('-- cluster: ' ~ (adapter.get_clickhouse_cluster_name() or 'none (one host)')) }}
    {%- for statement in run_history_ddl() -%}
        {{ print(statement | replace('\n', ' ') ~ ';') }}
    {%- endfor -%}
    {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
        {%- if node.resource_type == 'seed'
            or (node.resource_type == 'model' and node.config.materialized in ('table', 'incremental')) -%}
            {{ print('-- ' ~ node.schema ~ '.' ~ node.alias ~ ': engine = '
                ~ replicated_engine(node.config.get('engine') or 'MergeTree()')) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
