-- The lines an order has in the shop DB now. When an order row changes, the loader re-loads
-- all of that order's current lines in the same load (and deletes its older lines), so a
-- line is current iff it was written by the order's latest load or a later one. This also
-- drops the stale lines of an order edited down to zero lines (nothing replaced them) and
-- lines whose order is not in raw at all.
with

order_lines as (
    select
        line_id,
        order_id,
        product_id,
        quantity,
        price,
        dlt_load_id
    from {{ ref('stg_mysql__order_lines') }}
),

orders as (
    select
        order_id,
        dlt_load_id
    from {{ ref('stg_mysql__orders') }}
),

current_lines as (
    select
        order_lines.line_id as line_id,
        order_lines.order_id as order_id,
        order_lines.product_id as product_id,
        order_lines.quantity as quantity,
        order_lines.price as price,
        cast(order_lines.quantity * order_lines.price as Decimal(18, 2)) as line_revenue
    from order_lines
    inner join orders
        on order_lines.order_id = orders.order_id
    where order_lines.dlt_load_id >= orders.dlt_load_id
)

select * from current_lines
