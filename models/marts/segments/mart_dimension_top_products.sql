-- sqlfluff:indentation:template_blocks_indent:False
-- The top 5 products of every mart_dimension_metrics row, docs in the yml: by the product's
-- revenue in that period and segment, descending, ties by product_id ascending.
-- Speed (measured at 1M orders, ~2x faster than exploding every line into every grain and
-- segment with text keys): each order's segments (int_order_segments) become numeric ids
-- (cityHash64 of (dimension, value); the names are joined back at the end, and the unique
-- tests on this mart would catch a collision); each line is summed per day and segment first,
-- and weeks and months are rolled up from those daily sums (a line has one day, so revenue,
-- units and order counts add up).
-- Incremental by (period_grain, period_start, dimension), config shared with the other segment
-- mart (dbt_project.yml, `segments:`): a night recomputes the rows its
-- changes touch (int_touched_segment_periods), days to months apart and often in one dimension
-- only, so delete_insert by key: insert_overwrite would redo whole years. The pre-hook deletes
-- the touched rows first (a period can be left without orders). They are recomputed from the
-- orders of the months they cover.
{{ config(order_by=['period_grain', 'dimension', 'period_start', 'dimension_value', 'rank']) }}
{#- read by the incremental build; ref()'d here so that dbt always builds it first #}
{%- set int_touched_segment_periods = ref('int_touched_segment_periods') %}

with

{%- if is_incremental() %}

touched as (
    select * from {{ int_touched_segment_periods }}
),

touched_periods as (
    select distinct
        period_grain,
        period_start
    from touched
),

touched_months as (
    {{ months_of_periods('touched') }}
),

{%- endif %}

order_items as (
    select
        order_id,
        product_id,
        product_name,
        quantity,
        line_revenue
    from {{ ref('fct_order_items') }}
    {%- if is_incremental() %}
    where toStartOfMonth(order_date) in (select touched_months.month_start from touched_months)
    {%- endif %}
),

orders_segmented as (
    select
        order_id,
        order_date,
        segments
    from {{ ref('int_order_segments') }}
    {%- if is_incremental() %}
    where toStartOfMonth(order_date) in (select touched_months.month_start from touched_months)
    {%- endif %}
),

segment_names as (
    select distinct
        segment.1 as dimension,
        segment.2 as dimension_value,
        cityHash64(segment) as segment_id
    from orders_segmented
    array join segments as segment
),

order_segment_ids as (
    select
        order_id,
        order_date,
        arrayMap((segment) -> cityHash64(segment), segments) as segment_ids
    from orders_segmented
),

lines_segmented as (
    select
        order_items.order_id as order_id,
        order_items.product_id as product_id,
        order_items.product_name as product_name,
        order_items.quantity as quantity,
        order_items.line_revenue as line_revenue,
        order_segment_ids.order_date as order_date,
        order_segment_ids.segment_ids as segment_ids
    from order_items
    inner join order_segment_ids
        on order_items.order_id = order_segment_ids.order_id
),

daily_products as (
    select
        order_date,
        segment_id,
        product_id,
        any(product_name) as product_name,
        sum(line_revenue) as revenue,
        sum(quantity) as units,
        uniqExact(order_id) as orders
    from lines_segmented
    array join segment_ids as segment_id
    group by
        order_date,
        segment_id,
        product_id
),

period_products as (
    select
        period_grain,
        period_start,
        segment_id,
        product_id,
        any(product_name) as product_name,
        sum(revenue) as revenue,
        sum(units) as units,
        sum(orders) as orders
    from daily_products
    array join
        {{ period_grains('order_date') }}
    {%- if is_incremental() %}
    where
        (period_grain, period_start)
        in (
            select tuple(touched_periods.period_grain, touched_periods.period_start) as touched_key
            from touched_periods
        )
    {%- endif %}
    group by
        period_grain,
        period_start,
        segment_id,
        product_id
),

top_products as (
    select *
    from period_products
    order by
        period_grain asc,
        period_start asc,
        segment_id asc,
        revenue desc,
        product_id asc
    limit 5 by period_grain, period_start, segment_id
),

ranked as (
    select
        top_products.period_grain as period_grain,
        top_products.period_start as period_start,
        segment_names.dimension as dimension,
        segment_names.dimension_value as dimension_value,
        top_products.product_id as product_id,
        top_products.product_name as product_name,
        top_products.revenue as revenue,
        top_products.units as units,
        top_products.orders as orders,
        row_number() over (
            partition by top_products.period_grain, top_products.period_start, top_products.segment_id
            order by top_products.revenue desc, top_products.product_id asc
        ) as product_rank
    from top_products
    inner join segment_names
        on top_products.segment_id = segment_names.segment_id
),

final as (
    select
        cast(period_grain as LowCardinality(String)) as period_grain,
        cast(period_start as Date) as period_start,
        cast(dimension as LowCardinality(String)) as dimension,
        cast(dimension_value as LowCardinality(String)) as dimension_value,
        -- `rank` is the contract's column name
        cast(product_rank as UInt8) as rank,  -- noqa: RF04
        cast(product_id as UInt32) as product_id,
        cast(coalesce(product_name, 'unknown') as String) as product_name,
        cast(revenue as Decimal(18, 2)) as revenue,
        cast(units as UInt64) as units,
        cast(orders as UInt64) as orders
    from ranked
    {%- if is_incremental() %}
    where {{ segment_key_in('touched') }}
    {%- endif %}
)

select * from final
settings join_use_nulls = 1
