-- sqlfluff:indentation:template_blocks_indent:False
-- The orders whose fct_orders / fct_order_items rows this night may change, one row per
-- version: the order as loaded now and as the built fct_orders has it (an order refunded,
-- moved to another user or re-dated has a different old version). An order changed when its
-- row or any of its lines was loaded after the marts' watermark, or a product it has was, or
-- its delivery city's name differs from the built one (names are copied into the facts).
-- A night that fails before the watermark advances leaves its rows to the next
-- (carried_changes). Empty on a full refresh and on a first build.
-- depends_on: {{ ref('stg_mysql__cities') }}

{%- set built_orders = built_mart_relation('fct_orders') %}

with

watermark as (
    select previous_loaded_through
    from {{ ref('int_load_watermark') }}
),

changed_products as (
    select cast(id as UInt32) as product_id
    from {{ source('mysql', 'tovary') }}
    where {{ changed_since_watermark() }}
),

-- cities are re-loaded whole every night: compare names with the built fct_orders instead
changed_cities as (
    {%- if built_orders is none %}
    select toUInt32(0) as city_id
    where false
    {%- else %}
    select built_cities.delivery_city_id as city_id
    from (
        select distinct
            delivery_city_id,
            delivery_city
        from {{ built_orders }}
        where delivery_city_id is not null
    ) as built_cities
    left join {{ ref('stg_mysql__cities') }} as cities
        on built_cities.delivery_city_id = cities.city_id
    where built_cities.delivery_city != coalesce(cities.city_name, 'unknown')
    {%- endif %}
),

-- raw keeps replaced line versions too: a few more orders than needed, never fewer
changed_order_ids as (
    select cast(id as UInt32) as order_id
    from {{ source('mysql', 'zakazy') }}
    where
        {{ changed_since_watermark() }}
        or delivery_city_id in (select changed_cities.city_id from changed_cities)
    union distinct
    select cast(zakaz_id as UInt32) as order_id
    from {{ source('mysql', 'zakazy_tovary') }}
    where
        {{ changed_since_watermark() }}
        or tovar_id in (select changed_products.product_id from changed_products)
),

versions as (
    select
        cast(id as UInt32) as order_id,
        cast(user_id as UInt32) as user_id,
        {{ msk_datetime('created_at') }} as created_at
    from {{ source('mysql', 'zakazy') }}
    where id in (select changed_order_ids.order_id from changed_order_ids)
    {%- if built_orders is not none %}
    union all
    select
        order_id,
        user_id,
        created_at
    from {{ built_orders }}
    where order_id in (select changed_order_ids.order_id from changed_order_ids)
    {%- endif %}
    {{ carried_changes(['order_id', 'user_id', 'created_at']) }}
)

select distinct
    order_id,
    user_id,
    created_at,
    toDate(created_at) as order_date,
    (select watermark.previous_loaded_through from watermark) as since_loaded_through
from versions
{%- if flags.FULL_REFRESH or not incremental_marts_built() %}
where false
{%- endif %}
