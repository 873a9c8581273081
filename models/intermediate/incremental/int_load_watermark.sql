-- sqlfluff:indentation:template_blocks_indent:False
-- One row: the dlt load ids this night's incremental marts cover. Rows loaded after
-- previous_loaded_through (what the marts were built from; NULL on a first build) and up to
-- loaded_through (the newest load in raw now) are the night's changes. Built before any mart
-- reads raw, so a load that lands while dbt runs is left whole to the next night.

with

loads as (
    {%- set ns = namespace(tables=[]) %}
    {%- if execute %}
        {#- every table dlt lands (database raw) carries _dlt_load_id; ops tables do not #}
        {%- for source in graph.sources.values()
            if source.package_name == project_name and source.schema == 'raw' %}
            {%- set relation = adapter.get_relation(
                database=source.database, schema=source.schema, identifier=source.identifier) %}
            {%- if relation is not none %}{% do ns.tables.append(relation) %}{% endif %}
        {%- endfor %}
    {%- endif %}
    {%- for relation in ns.tables %}
    select max({{ dlt_load_id('_dlt_load_id') }}) as loaded_through from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select cast(null as Nullable(Decimal(18, 6))) as loaded_through
    {%- endfor %}
)

select
    cast({{ previous_loaded_through() }} as Nullable(Decimal(18, 6))) as previous_loaded_through,
    cast(max(loaded_through) as Nullable(Decimal(18, 6))) as loaded_through
from loads
