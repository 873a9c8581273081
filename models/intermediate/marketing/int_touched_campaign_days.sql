-- The dates of mart_campaign_daily this night recomputes, every platform and campaign of each:
-- the dates of int_touched_romi_days (touched ad days; old and new dates of changed orders)
-- and the dates of the orders the night renumbered (a user's orders from
-- int_rebuilt_users.rebuilt_from on, read in the rebuilt fct_orders): new_buyers counts
-- first orders, and an order becomes or stops being one without changing itself.
-- Empty on a full refresh and on a first build (every change set it reads is).
{{ config(materialized='table') }}

with

touched_romi_days as (
    select date
    from {{ ref('int_touched_romi_days') }}
),

rebuilt_users as (
    select
        user_id,
        rebuilt_from
    from {{ ref('int_rebuilt_users') }}
),

orders as (
    select
        user_id,
        created_at,
        order_date
    from {{ ref('fct_orders') }}
),

renumbered_days as (
    select orders.order_date as date
    from orders
    inner join rebuilt_users
        on orders.user_id = rebuilt_users.user_id
    where orders.created_at >= rebuilt_users.rebuilt_from
),

touched as (
    select date
    from touched_romi_days
    union all
    select date
    from renumbered_days
)

select distinct cast(date as Date) as date
from touched
