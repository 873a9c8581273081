-- The 'all' cohorts of mart_customer_cohorts, counted straight from fct_orders and
-- mart_ad_daily: per cohort month, the buyers whose first counted order falls in it and the
-- month's ad spend; per calendar month (cohort_month + month_number), the counted orders and
-- revenue of that month (every buyer belongs to the cohort of their first order). Months up
-- to the month of as_of_date. Returns the months where a figure differs or one side lacks.
with

cohorts as (
    select
        cohort_month,
        month_number,
        cohort_buyers,
        orders,
        revenue_rub,
        spend_rub
    from {{ ref('mart_customer_cohorts') }}
    where dimension = 'all'
),

orders as (
    select
        order_date,
        revenue,
        user_order_seq
    from {{ ref('fct_orders') }}
    where toStartOfMonth(order_date) <= {{ as_of_month() }}
),

spend as (
    select
        toStartOfMonth(date) as month_start,
        sum(spend_rub) as spend_rub
    from {{ ref('mart_ad_daily') }}
    group by month_start
),

-- per cohort month: its buyers and spend, as the mart has them and as counted here
cohort_figures as (
    select
        cohort_month as month_start,
        any(cohort_buyers) as buyers,
        any(spend_rub) as spend_rub
    from cohorts
    group by cohort_month
),

first_orders as (
    select
        toStartOfMonth(order_date) as month_start,
        count() as buyers
    from orders
    where user_order_seq = 1
    group by month_start
),

-- per calendar month: orders and revenue, over all cohorts and as counted here
calendar_figures as (
    select
        addMonths(cohort_month, month_number) as month_start,
        sum(orders) as orders,
        sum(revenue_rub) as revenue
    from cohorts
    group by month_start
    having orders > 0
),

monthly_orders as (
    select
        toStartOfMonth(order_date) as month_start,
        count() as orders,
        sum(revenue) as revenue
    from orders
    group by month_start
),

buyers_compared as (
    select
        cohort_figures.buyers as mart_value,
        first_orders.buyers as expected_value,
        'cohort' as kind,
        coalesce(cohort_figures.month_start, first_orders.month_start) as month_start
    from cohort_figures
    full outer join first_orders
        on cohort_figures.month_start = first_orders.month_start
),

spend_compared as (
    select
        cohort_figures.month_start as month_start,
        'spend' as kind,
        toFloat64(cohort_figures.spend_rub) as mart_value,
        toFloat64(coalesce(spend.spend_rub, 0)) as expected_value
    from cohort_figures
    left join spend
        on cohort_figures.month_start = spend.month_start
),

orders_compared as (
    select
        'orders and revenue' as kind,
        coalesce(calendar_figures.month_start, monthly_orders.month_start) as month_start,
        toFloat64(calendar_figures.orders) + toFloat64(calendar_figures.revenue) as mart_value,
        toFloat64(monthly_orders.orders) + toFloat64(monthly_orders.revenue) as expected_value
    from calendar_figures
    full outer join monthly_orders
        on calendar_figures.month_start = monthly_orders.month_start
),

compared as (
    select
        kind,
        month_start,
        toFloat64(mart_value) as mart_value,
        toFloat64(expected_value) as expected_value
    from buyers_compared
    union all
    select
        kind,
        month_start,
        mart_value,
        expected_value
    from spend_compared
    union all
    select
        kind,
        month_start,
        mart_value,
        expected_value
    from orders_compared
)

select *
from compared
where mart_value is null or expected_value is null or abs(mart_value - expected_value) > 0.001
settings join_use_nulls = 1
