-- The 'all' rows of mart_dimension_metrics equal a direct count over fct_orders for every
-- grain and period: orders, buyers, new and repeat buyers, revenue, units and line count.
-- Returns the periods where they differ or that one side lacks.
with

orders as (
    select
        user_id,
        order_date,
        revenue,
        units,
        items_count,
        user_order_seq
    from {{ ref('fct_orders') }}
),

metrics as (
    select
        period_grain,
        period_start,
        orders,
        buyers,
        new_buyers,
        repeat_buyers,
        revenue,
        units,
        avg_items_per_order
    from {{ ref('mart_dimension_metrics') }}
    where dimension = 'all'
),

{#- each grain straight from fct_orders, independent of the mart's ARRAY JOIN -#}
{%- set period_starts = {
    'day': 'order_date',
    'week': 'toMonday(order_date)',
    'month': 'toStartOfMonth(order_date)',
} %}

totals as (
    {%- for grain, period_start in period_starts.items() %}
        select
            '{{ grain }}' as period_grain,
            {{ period_start }} as period_start,
            count() as orders,
            uniqExact(user_id) as buyers,
            uniqExactIf(user_id, user_order_seq = 1) as new_buyers,
            uniqExactIf(user_id, user_order_seq > 1) as repeat_buyers,
            sum(revenue) as revenue,
            sum(units) as units,
            sum(items_count) as items
        from orders
        group by period_start
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

compared as (
    select
        totals.period_grain as period_grain,
        totals.period_start as period_start,
        totals.orders as expected_orders,
        metrics.orders as orders,
        totals.buyers as expected_buyers,
        metrics.buyers as buyers,
        totals.new_buyers as expected_new_buyers,
        metrics.new_buyers as new_buyers,
        totals.repeat_buyers as expected_repeat_buyers,
        metrics.repeat_buyers as repeat_buyers,
        totals.revenue as expected_revenue,
        metrics.revenue as revenue,
        totals.units as expected_units,
        metrics.units as units,
        totals.items as expected_items,
        metrics.avg_items_per_order * metrics.orders as items
    from totals
    full outer join metrics
        on
            totals.period_grain = metrics.period_grain
            and totals.period_start = metrics.period_start
    settings join_use_nulls = 1
)

select *
from compared
where
    expected_orders is null
    or orders is null
    or orders != expected_orders
    or buyers != expected_buyers
    or new_buyers != expected_new_buyers
    or repeat_buyers != expected_repeat_buyers
    or revenue != expected_revenue
    or units != expected_units
    or abs(items - expected_items) > 0.001
