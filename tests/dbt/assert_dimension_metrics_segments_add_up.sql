-- Every dimension of the var segment_dimensions partitions the counted orders (each order and
-- each user has exactly one value per dimension): in every period, a dimension's rows add up
-- to the 'all' row in orders, revenue and units, and no dimension is missing from a period
-- that has orders. Returns the (period, dimension) pairs where that fails.
{%- set dimensions = segment_dimensions() %}

with

metrics as (
    select
        period_grain,
        period_start,
        dimension,
        orders,
        revenue,
        units
    from {{ ref('mart_dimension_metrics') }}
),

totals as (
    select
        period_grain,
        period_start,
        orders,
        revenue,
        units
    from metrics
    where dimension = 'all'
),

configured_dimensions as (
    select arrayJoin(cast([
        {%- for item in dimensions %}
            '{{ item.dimension }}'{{ ',' if not loop.last }}
        {%- endfor %}
    ] as Array(String))) as dimension
),

expected as (
    select
        totals.period_grain as period_grain,
        totals.period_start as period_start,
        configured_dimensions.dimension as dimension,
        totals.orders as orders,
        totals.revenue as revenue,
        totals.units as units
    from totals
    cross join configured_dimensions
),

segment_sums as (
    select
        period_grain,
        period_start,
        dimension,
        sum(orders) as orders,
        sum(revenue) as revenue,
        sum(units) as units
    from metrics
    where dimension != 'all'
    group by
        period_grain,
        period_start,
        dimension
),

compared as (
    select
        expected.orders as all_orders,
        segment_sums.orders as segment_orders,
        expected.revenue as all_revenue,
        segment_sums.revenue as segment_revenue,
        expected.units as all_units,
        segment_sums.units as segment_units,
        coalesce(expected.period_grain, segment_sums.period_grain) as period_grain,
        coalesce(expected.period_start, segment_sums.period_start) as period_start,
        coalesce(expected.dimension, segment_sums.dimension) as dimension
    from expected
    full outer join segment_sums
        on
            expected.period_grain = segment_sums.period_grain
            and expected.period_start = segment_sums.period_start
            and expected.dimension = segment_sums.dimension
    settings join_use_nulls = 1
)

select *
from compared
where
    all_orders is null
    or segment_orders is null
    or all_orders != segment_orders
    or all_revenue != segment_revenue
    or all_units != segment_units
