-- sqlfluff:indentation:template_blocks_indent:False
-- Incremental: every counted order of a user with a changed order (int_changed_orders) is
-- rebuilt, since its user_order_seq may move; the pre-hook deletes those users' rows first.
-- depends_on: {{ ref('int_changed_orders') }}
-- depends_on: {{ ref('int_rebuilt_order_ids') }}, {{ ref('int_rebuilt_line_ids') }}
with

orders as (
    select * from {{ ref('int_orders_enriched') }}
    {%- if is_incremental() %}
    where user_id in (select changed.user_id from {{ ref('int_changed_orders') }} as changed)
    {%- endif %}
),

final as (
    select
        cast(order_id as UInt32) as order_id,
        cast(user_id as UInt32) as user_id,
        cast(status as UInt8) as status,
        cast(created_at as DateTime('Europe/Moscow')) as created_at,
        cast(order_date as Date) as order_date,
        cast(revenue as Decimal(18, 2)) as revenue,
        cast(items_count as UInt64) as items_count,
        cast(units as UInt64) as units,
        cast(delivery_cost as Decimal(18, 2)) as delivery_cost,
        cast(payment_method as LowCardinality(String)) as payment_method,
        cast(delivery_city_id as Nullable(UInt32)) as delivery_city_id,
        cast(delivery_city as LowCardinality(String)) as delivery_city,
        cast(weekday as UInt8) as weekday,
        cast(weekday_name as LowCardinality(String)) as weekday_name,
        cast(user_order_seq as UInt64) as user_order_seq,
        cast(is_repeat as Bool) as is_repeat,
        cast(utm_source as Nullable(String)) as utm_source,
        cast(utm_medium as Nullable(String)) as utm_medium,
        cast(utm_campaign as Nullable(String)) as utm_campaign,
        cast(utm_content as Nullable(String)) as utm_content,
        cast(utm_city as Nullable(String)) as utm_city,
        cast(utm_day as Nullable(UInt8)) as utm_day,
        cast(utm_month as Nullable(UInt8)) as utm_month
    from orders
)

select * from final
-- a map-valued setting is beyond the ClickHouse dialect of sqlfluff (noqa)
settings join_use_nulls = 1, {{ read_rebuilt_orders_only() }}  -- noqa: PRS
