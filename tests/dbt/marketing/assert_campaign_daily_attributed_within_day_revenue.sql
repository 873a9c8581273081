-- An order is attributed to one (platform, utm_campaign) at most, so a date's attributed
-- revenue in mart_campaign_daily never exceeds that date's counted revenue in fct_orders (nor
-- its attributed orders the date's orders). Returns the dates where it does.
with

attributed as (
    select
        date,
        sum(attributed_revenue_rub) as attributed_revenue_rub,
        sum(attributed_orders) as attributed_orders
    from {{ ref('mart_campaign_daily') }}
    group by date
),

counted as (
    select
        order_date as date,
        sum(revenue) as revenue,
        count() as orders
    from {{ ref('fct_orders') }}
    group by date
)

select
    attributed.date as date,
    attributed.attributed_revenue_rub as attributed_revenue_rub,
    attributed.attributed_orders as attributed_orders,
    coalesce(counted.revenue, 0) as counted_revenue,
    coalesce(counted.orders, 0) as counted_orders
from attributed
left join counted
    on attributed.date = counted.date
where
    attributed.attributed_revenue_rub > coalesce(counted.revenue, 0)
    or attributed.attributed_orders > coalesce(counted.orders, 0)
settings join_use_nulls = 1
