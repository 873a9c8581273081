-- The dates of mart_romi_city_daily this night recomputes, every city of each: the days of
-- int_touched_ad_days (spend), and the old and new order date of every changed order
-- (int_changed_orders: status, lines, re-dating, a renamed delivery city).

with

touched as (
    select date
    from {{ ref('int_touched_ad_days') }}
    union all
    select order_date as date
    from {{ ref('int_changed_orders') }}
)

select distinct cast(date as Date) as date
from touched
