-- The dates of mart_campaign_daily this night recomputes, every platform and campaign of each:
-- the dates of int_touched_romi_days (touched ad days; old and new dates of changed orders)
-- and the dates of the orders the night renumbered (int_renumbered_orders): new_buyers
-- counts first orders, and an order becomes or stops being one without changing itself.
-- Empty on a full refresh and on a first build (every change set it reads is).
{{ config(materialized='table') }}

with

touched_romi_days as (
    select date
    from {{ ref('int_touched_romi_days') }}
),

renumbered_days as (
    select order_date as date
    from {{ ref('int_renumbered_orders') }}
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
