-- fct_orders.revenue, items_count and units equal the totals of the order's rows in
-- fct_order_items (0 for an order without items); every item belongs to a counted order.
-- Returns the orders where they differ.
with

orders as (
    select
        order_id,
        revenue,
        items_count,
        units
    from {{ ref('fct_orders') }}
),

items as (
    select
        order_id,
        sum(line_revenue) as items_revenue,
        count() as items_count,
        sum(quantity) as items_units
    from {{ ref('fct_order_items') }}
    group by order_id
),

compared as (
    select
        orders.order_id as order_id,
        orders.revenue as revenue,
        orders.items_count as items_count,
        orders.units as units,
        coalesce(items.items_revenue, 0) as items_revenue,
        coalesce(items.items_count, 0) as item_rows,
        coalesce(items.items_units, 0) as items_units
    from orders
    full outer join items
        on orders.order_id = items.order_id
    settings join_use_nulls = 1
)

select *
from compared
where
    order_id is null
    or revenue is null
    or revenue != items_revenue
    or items_count != item_rows
    or units != items_units
