-- The top 5 products of every mart_dimension_metrics row, marts.md: by the product's revenue
-- in that period and segment, descending, ties by product_id ascending.
-- Speed (measured at 1M orders, ~2x faster than exploding every line into every grain and
-- segment with text keys): each order's segments ('all' + one per dimension of the var
-- segment_dimensions) become numeric ids (cityHash64 of (dimension, value); the names are
-- joined back at the end, and the unique tests on this mart would catch a collision); each
-- line is summed per day and segment first, and weeks and months are rolled up from those
-- daily sums (a line has one day, so revenue, units and order counts add up).
with

order_items as (
    select
        order_id,
        product_id,
        product_name,
        quantity,
        line_revenue
    from {{ ref('fct_order_items') }}
),

orders as (
    select
        order_id,
        user_id,
        order_date{{ segment_columns('fct_orders') }}
    from {{ ref('fct_orders') }}
),

users as (
    select
        user_id{{ segment_columns('dim_users') }}
    from {{ ref('dim_users') }}
),

product_names as (
    select
        product_id,
        any(product_name) as product_name
    from order_items
    group by product_id
),

orders_segmented as (
    select
        orders.order_id as order_id,
        orders.order_date as order_date,
        {{ segments_array('orders', 'users') }} as segments
    from orders
    left join users
        on orders.user_id = users.user_id
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
        sum(revenue) as revenue,
        sum(units) as units,
        sum(orders) as orders
    from daily_products
    array join
        {{ period_grains('order_date') }}
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
        product_names.product_name as product_name,
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
    left join product_names
        on top_products.product_id = product_names.product_id
),

final as (
    select
        cast(period_grain as LowCardinality(String)) as period_grain,
        cast(period_start as Date) as period_start,
        cast(dimension as LowCardinality(String)) as dimension,
        cast(dimension_value as LowCardinality(String)) as dimension_value,
        -- `rank` is the contract's column name (marts.md)
        cast(product_rank as UInt8) as rank,  -- noqa: RF04
        cast(product_id as UInt32) as product_id,
        cast(coalesce(product_name, 'unknown') as String) as product_name,
        cast(revenue as Decimal(18, 2)) as revenue,
        cast(units as UInt64) as units,
        cast(orders as UInt64) as orders
    from ranked
)

select * from final
settings join_use_nulls = 1
