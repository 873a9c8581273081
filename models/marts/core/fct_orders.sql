-- sqlfluff:indentation:template_blocks_indent:False
-- Incremental by user: a user with a changed order (int_rebuilt_users) has the counted orders
-- from its rebuilt_from on rebuilt, since their user_order_seq may move; the orders before it
-- keep their rows, and the rebuilt ones are numbered on from them (earlier_orders). Those
-- orders are scattered over many months, so delete_insert by key rather than insert_overwrite
-- of month partitions. The pre-hook deletes the rows being rebuilt first (an order refunded
-- since comes back with none).
-- depends_on: {{ ref('int_changed_orders') }}, {{ ref('int_rebuilt_users') }}
-- depends_on: {{ ref('int_rebuilt_order_ids') }}, {{ ref('int_rebuilt_line_ids') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='order_id',
    pre_hook="{{ delete_rebuilt_orders() }}",
    order_by=['delivery_city', 'order_date', 'order_id'],
    partition_by='toYYYYMM(order_date)'
) }}

with

enriched as (
    select * from {{ ref('int_orders_enriched') }}
),

{%- if is_incremental() %}

rebuilt_users as (
    select
        user_id,
        rebuilt_from,
        earlier_orders
    from {{ ref('int_rebuilt_users') }}
),

-- int_orders_enriched numbers the orders it is let see (int_rebuilt_order_ids: the user's
-- from rebuilt_from on); they come after the user's earlier_orders (is_repeat as it defines it)
orders as (
    select
        enriched.* except (user_order_seq, is_repeat),
        enriched.user_order_seq + rebuilt_users.earlier_orders as user_order_seq,
        enriched.user_order_seq + rebuilt_users.earlier_orders > 1 as is_repeat
    from enriched
    inner join rebuilt_users
        on enriched.user_id = rebuilt_users.user_id
    where enriched.created_at >= rebuilt_users.rebuilt_from
),

{%- else %}

orders as (
    select * from enriched
),

{%- endif %}

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
