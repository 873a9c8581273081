-- Counted orders (status is_counted in the seed order_statuses: 1 paid, 6 completed) with
-- totals over their current lines, delivery city, weekday, the user's order sequence and
-- the UTM-city parts of utm_content (docs/marts.md). One row per counted order.
with

orders as (
    select
        order_id,
        user_id,
        status,
        payment_method,
        delivery_city_id,
        delivery_cost,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        created_at
    from {{ ref('stg_mysql__orders') }}
),

order_statuses as (
    select
        status,
        is_counted
    from {{ ref('order_statuses') }}
),

order_lines as (
    select
        order_id,
        quantity,
        line_revenue
    from {{ ref('int_order_lines_current') }}
),

cities as (
    select
        city_id,
        city_name
    from {{ ref('stg_mysql__cities') }}
),

weekday_names as (
    select
        weekday,
        weekday_name
    from {{ ref('weekday_names') }}
),

city_codes as (
    select
        code,
        city
    from {{ ref('city_codes') }}
),

counted_orders as (
    select orders.*
    from orders
    inner join order_statuses
        on orders.status = order_statuses.status
    where order_statuses.is_counted
),

line_totals as (
    select
        order_id,
        sum(line_revenue) as revenue,
        count() as items_count,
        sum(quantity) as units
    from order_lines
    group by order_id
),

joined as (
    select
        counted_orders.order_id as order_id,
        counted_orders.user_id as user_id,
        counted_orders.status as status,
        counted_orders.created_at as created_at,
        counted_orders.delivery_cost as delivery_cost,
        counted_orders.payment_method as payment_method,
        counted_orders.delivery_city_id as delivery_city_id,
        counted_orders.utm_source as utm_source,
        counted_orders.utm_medium as utm_medium,
        counted_orders.utm_campaign as utm_campaign,
        counted_orders.utm_content as utm_content,
        cast(coalesce(line_totals.revenue, 0) as Decimal(18, 2)) as revenue,
        cast(coalesce(line_totals.items_count, 0) as UInt64) as items_count,
        cast(coalesce(line_totals.units, 0) as UInt64) as units,
        toDate(counted_orders.created_at) as order_date,
        coalesce(cities.city_name, 'unknown') as delivery_city,
        toDayOfWeek(counted_orders.created_at) as weekday,
        coalesce(weekday_names.weekday_name, 'unknown') as weekday_name
    from counted_orders
    left join line_totals
        on counted_orders.order_id = line_totals.order_id
    left join cities
        on counted_orders.delivery_city_id = cities.city_id
    left join weekday_names
        on toDayOfWeek(counted_orders.created_at) = weekday_names.weekday
),

sequenced as (
    select
        *,
        row_number() over (
            partition by user_id
            order by created_at asc, order_id asc
        ) as user_order_seq
    from joined
),

-- utm_content '<code>_<d>_<m>' normalized, checked and split: [code, d, m], or [] when it
-- is not one (macros/utm.sql)
utm_split as (
    select
        *,
        {{ utm_content_parts('utm_content') }} as utm_parts
    from sequenced
),

utm_parsed as (
    select
        *,
        nullIf(utm_parts[1], '') as utm_code,
        toUInt8OrNull(utm_parts[2]) as utm_day,
        toUInt8OrNull(utm_parts[3]) as utm_month
    from utm_split
),

-- an unknown code keeps its day and month: 'tver_01_02' -> (NULL, 1, 2)
utm_with_city as (
    select
        utm_parsed.*,
        city_codes.city as utm_city
    from utm_parsed
    left join city_codes
        on utm_parsed.utm_code = city_codes.code
),

final as (
    select
        order_id,
        user_id,
        status,
        created_at,
        order_date,
        revenue,
        items_count,
        units,
        delivery_cost,
        payment_method,
        delivery_city_id,
        delivery_city,
        weekday,
        weekday_name,
        user_order_seq,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        utm_city,
        utm_day,
        utm_month,
        user_order_seq > 1 as is_repeat
    from utm_with_city
)

select * from final
settings join_use_nulls = 1
