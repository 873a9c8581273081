-- sqlfluff:indentation:template_blocks_indent:False
-- Sales metrics per (period_grain, period_start, dimension, dimension_value), docs in the yml.
-- One pass over the segment rows (int_order_segments): each order is ARRAY JOINed to its three
-- periods (day, ISO week, month) and to its segments, then grouped once. The previous period
-- comes from a window whose frame is the row of the same grain/segment with period number
-- n - 1 (RANGE 1 PRECEDING), so a period without orders in between gives 0, not the row before.
-- Incremental by (period_grain, period_start, dimension), config shared with the other segment
-- mart (dbt_project.yml, `segments:`): a night recomputes the rows its
-- changes touch (int_touched_segment_periods), days to months apart and often in one dimension
-- only, so delete_insert by key: insert_overwrite would redo whole years. The pre-hook deletes
-- the touched rows first (a period can be left without orders). They are recomputed from the
-- orders of the months they and their previous periods cover.
{{ config(order_by=['period_grain', 'dimension', 'period_start', 'dimension_value']) }}
{#- read by the incremental build; ref()'d here so that dbt always builds it first #}
{%- set int_touched_segment_periods = ref('int_touched_segment_periods') %}

with

{%- if is_incremental() %}

touched as (
    select * from {{ int_touched_segment_periods }}
),

-- the touched rows and the rows their prev_* columns read
needed as (
    select
        period_grain,
        period_start,
        dimension
    from touched
    union distinct
    select
        period_grain,
        {{ previous_period_start('period_grain', 'period_start') }} as period_start,
        dimension
    from touched
),

needed_months as (
    {{ months_of_periods('needed') }}
),

{%- endif %}

orders_segmented as (
    select
        user_id,
        order_date,
        revenue,
        items_count,
        units,
        user_order_seq,
        segments
    from {{ ref('int_order_segments') }}
    {%- if is_incremental() %}
    where toStartOfMonth(order_date) in (select needed_months.month_start from needed_months)
    {%- endif %}
),

orders_exploded as (
    select
        user_id,
        revenue,
        items_count,
        units,
        user_order_seq,
        period_grain,
        period_start,
        segment.1 as dimension,
        segment.2 as dimension_value
    from orders_segmented
    array join
        {{ period_grains('order_date') }}
    array join segments as segment
    {%- if is_incremental() %}
    where {{ segment_key_in('needed') }}
    {%- endif %}
),

aggregated as (
    select
        period_grain,
        period_start,
        dimension,
        dimension_value,
        count() as orders,
        uniqExact(user_id) as buyers,
        uniqExactIf(user_id, user_order_seq = 1) as new_buyers,
        uniqExactIf(user_id, user_order_seq > 1) as repeat_buyers,
        sum(revenue) as revenue,
        sum(units) as units,
        sum(items_count) as items,
        {{ period_number('period_grain', 'period_start') }} as period_number
    from orders_exploded
    group by
        period_grain,
        period_start,
        dimension,
        dimension_value
),

compared as (
    select
        *,
        sum(orders) over previous_period as prev_orders,
        sum(buyers) over previous_period as prev_buyers,
        sum(revenue) over previous_period as prev_revenue
    from aggregated
    window previous_period as (
        partition by period_grain, dimension, dimension_value
        order by period_number asc
        range between 1 preceding and 1 preceding
    )
),

final as (
    select
        cast(period_grain as LowCardinality(String)) as period_grain,
        cast(period_start as Date) as period_start,
        cast({{ period_end('period_grain', 'period_start') }} as Date) as period_end,
        cast(dimension as LowCardinality(String)) as dimension,
        cast(dimension_value as LowCardinality(String)) as dimension_value,
        cast(orders as UInt64) as orders,
        cast(buyers as UInt64) as buyers,
        cast(new_buyers as UInt64) as new_buyers,
        cast(repeat_buyers as UInt64) as repeat_buyers,
        cast(repeat_buyers / buyers as Float64) as repeat_rate,
        cast(revenue as Decimal(18, 2)) as revenue,
        cast(units as UInt64) as units,
        -- rubles rounded half away from zero (a plain Decimal division would truncate)
        cast(round(toDecimal128(revenue, 6) / orders, 2) as Decimal(18, 2)) as avg_order_value,
        cast(orders / buyers as Float64) as orders_per_buyer,
        cast(items / orders as Float64) as avg_items_per_order,
        cast(prev_orders as UInt64) as prev_orders,
        cast(prev_buyers as UInt64) as prev_buyers,
        cast(prev_revenue as Decimal(18, 2)) as prev_revenue,
        cast(revenue - prev_revenue as Decimal(18, 2)) as revenue_delta,
        cast({{ ratio('revenue - prev_revenue', 'prev_revenue') }} as Nullable(Float64))
            as revenue_delta_pct
    from compared
    {%- if is_incremental() %}
    where {{ segment_key_in('touched') }}
    {%- endif %}
)

select * from final
settings join_use_nulls = 1
