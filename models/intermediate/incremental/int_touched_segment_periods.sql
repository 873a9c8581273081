-- The (period_grain, period_start, dimension) rows of the segment marts that this night's
-- changes touch; mart_dimension_metrics and mart_dimension_top_products recompute just these.
-- A period is touched when
--   * a changed order falls in it, in its old or its new version (status change, refund,
--     edit: the period of the order's created_at, however old);
--   * a later order of the same user falls in it (its user_order_seq, so new / repeat buyers,
--     moves when an earlier order becomes counted or not);
--   * an order of a user whose user segment changed falls in it (that dimension only);
--   * it is the period right after a touched one (its prev_* columns read that one).
-- Built after fct_orders, so "later orders" are read in their new state.

{%- set dimensions = ['all'] + (segment_dimensions() | map(attribute='dimension') | list) %}

with

changed_orders as (
    select
        user_id,
        created_at,
        order_date
    from {{ ref('int_changed_orders') }}
),

segment_changes as (
    select
        user_id,
        dimension
    from {{ ref('int_changed_users') }}
    where dimension != ''
),

orders as (
    select
        user_id,
        created_at,
        order_date
    from {{ ref('fct_orders') }}
),

-- each user's orders from rebuilt_from on have a new user_order_seq (fct_orders rebuilt them)
sequence_changes as (
    select
        user_id,
        rebuilt_from
    from {{ ref('int_rebuilt_users') }}
),

-- dimension '' stands for every dimension
touched_days as (
    select
        order_date,
        '' as dimension
    from changed_orders
    union all
    select
        orders.order_date as order_date,
        '' as dimension
    from orders
    inner join sequence_changes
        on orders.user_id = sequence_changes.user_id
    where orders.created_at >= sequence_changes.rebuilt_from
    union all
    select
        orders.order_date as order_date,
        segment_changes.dimension as dimension
    from orders
    inner join segment_changes
        on orders.user_id = segment_changes.user_id
),

touched_periods as (
    select distinct
        period_grain,
        period_start,
        dimension
    from (
        select distinct
            order_date,
            dimension
        from touched_days
    ) as touched_day_rows
    array join
        {{ period_grains('order_date') }}
),

with_next_periods as (
    select
        period_grain,
        period_start,
        dimension
    from touched_periods
    union all
    select
        period_grain,
        {{ next_period_start('period_grain', 'period_start') }} as period_start,
        dimension
    from touched_periods
)

select distinct
    cast(period_grain as String) as period_grain,
    cast(period_start as Date) as period_start,
    cast(arrayJoin(
        if(dimension = '', {{ dimensions | tojson | replace('"', "'") }}, [dimension])
    ) as String) as dimension
from with_next_periods
