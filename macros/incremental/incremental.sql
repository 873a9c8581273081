{#
    Incremental marts: what a night must rebuild, and where the night starts from
    (docs/incremental.md).

    The watermark: every raw row carries its dlt load id. The mart incremental_watermark keeps
    the highest load id the marts were built from (loaded_through); a night rebuilds what rows
    loaded after it touch (int_changed_orders, int_changed_users, int_touched_segment_periods)
    and then appends the new watermark, last of all and only when every mart and its tests
    passed. The watermark sits with the marts, so it is built aside and published with them.

    The night's starting point is the published marts (the dbt source `published_marts`):
    the change sets compare tonight's raw rows with them. They cannot ref() the marts: a mart
    is built after the change sets it reads, so a ref would be a cycle.
#}


{#
    The load id up to which the marts are built (the latest incremental_watermark row), as SQL;
    NULL when there is none yet (a first build, or marts built before this mechanism): then
    every row counts as changed.
#}
{% macro previous_loaded_through() -%}
    {%- set watermark = load_relation(source('published_marts', 'incremental_watermark')) -%}
    {%- if watermark is none or flags.FULL_REFRESH -%}
        cast(null as Nullable(Decimal(18, 6)))
    {%- else -%}
        (select max(loaded_through) from {{ watermark }})
    {%- endif -%}
{%- endmacro %}


{#
    Pre-hook of an incremental mart: delete the rows of every changed key first. The
    delete_insert strategy deletes only keys that come back in the new rows, and a changed key
    may come back with none (an order refunded, a period left without orders). Every DELETE of
    a dbt session writes patch parts where the engine has them (ClickHouse 26.9+; the session
    setting comes from warehouse_client/engine.py), else it is an ordinary lightweight delete.
#}
{% macro delete_changed_rows(key, changes_model, changes_key=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where ({{ key }}) in (select {{ changes_key or key }} from {{ ref(changes_model) }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}


{#
    Pre-hook of fct_orders: delete the rows a night rebuilds, the orders of each user of
    int_rebuilt_users from its rebuilt_from on (by order_id: that is the table's key).
#}
{% macro delete_rebuilt_orders() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where order_id in (
            select built.order_id
            from {{ this }} as built
            inner join {{ ref('int_rebuilt_users') }} as rebuilt
                on built.user_id = rebuilt.user_id
            where built.created_at >= rebuilt.rebuilt_from
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}


{#
    The period that starts right after (grain, period_start): its prev_* columns read this one.
#}
{% macro next_period_start(grain, period_start) -%}
    multiIf(
        {{ grain }} = 'day', {{ period_start }} + 1,
        {{ grain }} = 'week', {{ period_start }} + 7,
        addMonths({{ period_start }}, 1)
    )
{%- endmacro %}


{# The period that ends right before (grain, period_start). #}
{% macro previous_period_start(grain, period_start) -%}
    multiIf(
        {{ grain }} = 'day', {{ period_start }} - 1,
        {{ grain }} = 'week', {{ period_start }} - 7,
        addMonths({{ period_start }}, -1)
    )
{%- endmacro %}


{#
    The load id tonight's changes start after: the one the published marts were built from
    (int_load_watermark), as a scalar subquery; NULL on a first build and a full refresh.
#}
{% macro night_watermark() -%}
    (select previous_loaded_through from {{ ref('int_load_watermark') }})
{%- endmacro %}


{# A filter for a raw table: the row was loaded after the night's watermark (any row when there is none). #}
{% macro changed_since_watermark() -%}
    {{ dlt_load_id('_dlt_load_id') }} > coalesce({{ night_watermark() }}, toDecimal64(-1, 6))
{%- endmacro %}


{#
    A change set (int_changed_orders, int_changed_users) computed by a night that did not
    advance the watermark (a failed or partial night) still holds changes some mart may not
    have applied, and old versions of rows that night overwrote: carry its rows over, as long
    as the watermark has not moved. `columns` are the carried columns.
#}
{% macro carried_changes(columns) -%}
    {%- set previous = load_relation(this) if execute else none -%}
    {%- if previous is not none and not flags.FULL_REFRESH
        and 'since_loaded_through' in (adapter.get_columns_in_relation(previous) | map(attribute='name') | list) -%}
    union all
    select {{ columns | join(', ') }}
    from {{ previous }}
    where coalesce(since_loaded_through, toDecimal64(-1, 6))
        = coalesce({{ night_watermark() }}, toDecimal64(-1, 6))
    {%- endif -%}
{%- endmacro %}


{#
    Whether any incremental mart is published yet. On a first build (none is) every mart
    builds in full, so the change sets are left empty instead of listing every row as changed.
#}
{% macro incremental_marts_built() -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.package_name == project_name
        and node.config.materialized == 'incremental' -%}
        {%- if adapter.get_relation(database=none, schema=published_marts_database(),
            identifier=node.alias) is not none -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#
    A setting for the query of an incremental fact (fct_orders, fct_order_items): every read of
    raw orders and order lines in it, the staging views' included, sees only the rows of
    tonight's orders (int_rebuilt_order_ids, int_rebuilt_line_ids). ClickHouse does not push a
    filter on a view below its dedup (LIMIT 1 BY id) or window (user_order_seq), so a WHERE on
    the fact alone still deduplicates and numbers every order of the history; this filter is
    applied where raw is read (id_in_model below). No filter ({}) on a full build.
    The id models are ref()'d on every build, so that they are the model's parents in the DAG.
#}
{% macro read_rebuilt_orders_only() -%}
    {%- set order_ids = ref('int_rebuilt_order_ids') -%}
    {%- set line_ids = ref('int_rebuilt_line_ids') -%}
    {%- if is_incremental() -%}
        {{ additional_table_filters([
            (source('mysql', 'zakazy'), id_in_model('int_rebuilt_order_ids')),
            (source('mysql', 'zakazy_tovary'), id_in_model('int_rebuilt_line_ids')),
        ]) }}
    {%- else -%}
        {{ additional_table_filters([]) }}
    {%- endif -%}
{%- endmacro %}


{#
    A table filter's condition: the row's `id` is one of the ids of `model`. `IN (subquery)`
    (PREWHERE on the primary key) where the engine takes it in additional_table_filters
    (ClickHouse 25.8+); older engines fail it ("Not-ready Set") and get the ids as one bitmap,
    built once (a scalar subquery) and looked up per row.
#}
{% macro id_in_model(model) -%}
    {%- if engine_has('in_subquery_table_filters') -%}
        {{ return('id in (select id from ' ~ ref(model) ~ ')') }}
    {%- else -%}
        {{ return('bitmapContains((select groupBitmapState(toUInt64(id)) from ' ~ ref(model)
            ~ '), toUInt64(id))') }}
    {%- endif -%}
{%- endmacro %}


{#
    The ClickHouse setting that filters every read of a table in a query, views included:
    `filters` are (relation, condition) pairs; the condition must not quote strings.
#}
{% macro additional_table_filters(filters) -%}
    additional_table_filters = {
    {%- for relation, condition in filters %}
        '{{ relation.schema }}.{{ relation.identifier }}': '{{ condition }}'{{ ',' if not loop.last }}
    {%- endfor %}
    }
{%- endmacro %}
