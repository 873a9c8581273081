{#
    Data tests on the staging and intermediate views read raw through them, and a view's
    dedup (LIMIT 1 BY id) and windows run over all of raw whatever the test filters after
    them. Those tests carry `where: '__loaded_since_published__'` (dbt_project.yml): on a night
    they check the raw rows loaded since the published marts' watermark (every row the night
    may build from; a night that failed left its rows after that watermark, so they are
    checked again), through the same query setting the incremental facts use
    (additional_table_filters on every raw table upstream of the model). On a first build
    and on `--full-refresh` they check all of raw. The marts' own tests always check the
    whole tables they publish. `--vars '{test_all_raw: true}'` checks all of raw on any run.
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == '__loaded_since_published__' -%}
        {{ return(loaded_since_published(relation)) }}
    {%- elif where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}


{% macro loaded_since_published(relation) -%}
    {%- set watermark = published_watermark() -%}
    {%- set raw_tables = upstream_raw_tables(relation) -%}
    {%- if watermark is none or not raw_tables -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set condition = dlt_load_id('_dlt_load_id') ~ ' > ' ~ watermark -%}
    {%- set filters = [] -%}
    {%- for raw_table in raw_tables -%}
        {%- do filters.append((raw_table, condition)) -%}
    {%- endfor -%}
    {%- set filtered -%}
        (select * from {{ relation }} settings {{ additional_table_filters(filters) }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}


{# The load id the published marts are built from, as a number literal; none if all of raw is new. #}
{% macro published_watermark() -%}
    {%- if not execute or flags.FULL_REFRESH or var('test_all_raw', false)
        or load_relation(source('published_marts', 'incremental_watermark')) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query('select toString(' ~ previous_loaded_through() ~ ')') -%}
    {%- set value = result.columns[0].values()[0] if result and result.rows else none -%}
    {{ return(none if value in (none, '', '\\N', 'None') else value) }}
{%- endmacro %}


{# The raw tables (source schema 'raw') a model reads, directly or through other models, as relations. #}
{% macro upstream_raw_tables(relation) -%}
    {%- set pending = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == relation.identifier
        and node.schema == relation.schema -%}
        {%- do pending.append(node.unique_id) -%}
    {%- endfor -%}
    {%- set seen, raw_tables = [], [] -%}
    {%- for unique_id in pending if unique_id not in seen -%}
        {%- do seen.append(unique_id) -%}
        {%- if unique_id in graph.sources -%}
            {%- set source_node = graph.sources[unique_id] -%}
            {%- if source_node.schema == 'raw' -%}
                {%- do raw_tables.append(api.Relation.create(
                    schema=source_node.schema, identifier=source_node.identifier)) -%}
            {%- endif -%}
        {%- elif unique_id in graph.nodes -%}
            {%- do pending.extend(graph.nodes[unique_id].depends_on.nodes) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(raw_tables | unique(attribute='identifier') | list) }}
{%- endmacro %}
