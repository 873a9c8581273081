{#
    Incremental marts: what a night must rebuild, and where the night starts from.

    The watermark: every raw row carries its dlt load id. The mart incremental_watermark keeps
    the highest load id the marts were built from (loaded_through); a night rebuilds what rows
    loaded after it touch (int_changed_orders, int_changed_users, int_touched_segment_periods)
    and then appends the new watermark, last of all and only when every mart and its tests
    passed. The watermark sits with the marts, so it is built aside and published with them.
#}


{#
    The table a mart of this project has now in the database it is built into, or none:
    the night's starting point, read before the mart is rebuilt (it cannot be a ref: the change
    sets are built before the marts that use them).
#}
{% macro built_mart_relation(model_name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- if node is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}


{#
    The load id up to which the marts are built (the latest incremental_watermark row), as SQL;
    NULL when there is none yet (a first build, or marts built before this mechanism): then
    every row counts as changed.
#}
{% macro previous_loaded_through() -%}
    {%- set watermark = built_mart_relation('incremental_watermark') -%}
    {%- if watermark is none or flags.FULL_REFRESH -%}
        cast(null as Nullable(Decimal(18, 6)))
    {%- else -%}
        (select max(loaded_through) from {{ watermark }})
    {%- endif -%}
{%- endmacro %}


{#
    Pre-hook of an incremental mart: delete the rows of every changed key first. The
    delete_insert strategy deletes only keys that come back in the new rows, and a changed key
    may come back with none (an order refunded, a period left without orders).
#}
{% macro delete_changed_rows(key, changes_model, changes_key=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where ({{ key }}) in (select {{ changes_key or key }} from {{ ref(changes_model) }})
        settings lightweight_delete_mode = 'lightweight_update'

    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
