-- The segment rows of mart_dimension_metrics and mart_dimension_top_products: every counted
-- order with its segments, ('all', 'all') and one (dimension, value) per dimension of the var
-- segment_dimensions (a dim_users segment is the user's current value, an fct_orders segment
-- the order's own). Each mart explodes these to its periods and segments.
with

orders as (
    select
        order_id,
        user_id,
        order_date,
        revenue,
        items_count,
        units,
        user_order_seq{{ segment_columns('fct_orders') }}
    from {{ ref('fct_orders') }}
),

users as (
    select
        user_id{{ segment_columns('dim_users') }}
    from {{ ref('dim_users') }}
),

orders_segmented as (
    select
        orders.order_id as order_id,
        orders.user_id as user_id,
        orders.order_date as order_date,
        orders.revenue as revenue,
        orders.items_count as items_count,
        orders.units as units,
        orders.user_order_seq as user_order_seq,
        {{ segments_array('orders', 'users') }} as segments
    from orders
    left join users
        on orders.user_id = users.user_id
)

select * from orders_segmented
settings join_use_nulls = 1
