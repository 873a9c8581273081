-- sqlfluff:indentation:template_blocks_indent:False
-- Incremental by user: the rows of changed users (int_changed_users: a few per night, any
-- sort key) are replaced with delete_insert on user_id; a user never disappears. Not
-- partitioned (a small dimension table).
-- depends_on: {{ ref('int_changed_users') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='user_id',
    order_by=['city', 'sex', 'age_group', 'user_id']
) }}

with

users as (
    select * from {{ ref('int_users_profiled') }}
    {%- if is_incremental() %}
    where user_id in (select changed.user_id from {{ ref('int_changed_users') }} as changed)
    {%- endif %}
),

orders as (
    select
        user_id,
        revenue,
        created_at
    from {{ ref('fct_orders') }}
    {%- if is_incremental() %}
    where user_id in (select changed.user_id from {{ ref('int_changed_users') }} as changed)
    {%- endif %}
),

order_totals as (
    select
        user_id,
        count() as orders_count,
        sum(revenue) as revenue_total,
        min(created_at) as first_order_at,
        max(created_at) as last_order_at
    from orders
    group by user_id
),

joined as (
    select
        users.user_id as user_id,
        users.vk_id as vk_id,
        users.created_at as created_at,
        users.sex as sex,
        users.birth_date as birth_date,
        users.age as age,
        users.age_group as age_group,
        users.city as city,
        users.profession as profession,
        users.has_vk_profile as has_vk_profile,
        order_totals.first_order_at as first_order_at,
        order_totals.last_order_at as last_order_at,
        coalesce(order_totals.orders_count, 0) as orders_count,
        coalesce(order_totals.revenue_total, 0) as revenue_total
    from users
    left join order_totals
        on users.user_id = order_totals.user_id
),

final as (
    select
        cast(user_id as UInt32) as user_id,
        cast(vk_id as Nullable(UInt64)) as vk_id,
        cast(created_at as DateTime('Europe/Moscow')) as created_at,
        cast(sex as LowCardinality(String)) as sex,
        cast(birth_date as Nullable(Date32)) as birth_date,
        cast(age as Nullable(UInt8)) as age,
        cast(age_group as LowCardinality(String)) as age_group,
        cast(city as LowCardinality(String)) as city,
        cast(profession as LowCardinality(String)) as profession,
        cast(has_vk_profile as Bool) as has_vk_profile,
        cast(orders_count as UInt64) as orders_count,
        cast(revenue_total as Decimal(18, 2)) as revenue_total,
        cast(first_order_at as Nullable(DateTime('Europe/Moscow'))) as first_order_at,
        cast(last_order_at as Nullable(DateTime('Europe/Moscow'))) as last_order_at,
        cast(orders_count >= 2 as Bool) as is_repeat_customer
    from joined
)

select * from final
settings join_use_nulls = 1
