-- The counted orders whose user_order_seq this night may have moved: every order of a user of
-- int_rebuilt_users from that user's rebuilt_from on (fct_orders rebuilt and renumbered them),
-- read in the rebuilt fct_orders. The marts that count first or repeat orders recompute their
-- periods or dates. Empty on a full refresh and on a first build (int_rebuilt_users is).

with

orders as (
    select
        order_id,
        user_id,
        created_at,
        order_date
    from {{ ref('fct_orders') }}
),

rebuilt_users as (
    select
        user_id,
        rebuilt_from
    from {{ ref('int_rebuilt_users') }}
),

renumbered as (
    select
        orders.order_id as order_id,
        orders.user_id as user_id,
        orders.order_date as order_date
    from orders
    inner join rebuilt_users
        on orders.user_id = rebuilt_users.user_id
    where orders.created_at >= rebuilt_users.rebuilt_from
)

select * from renumbered
