-- sqlfluff:indentation:template_blocks_indent:False
-- Incremental by order: the lines of changed orders (int_changed_orders), wherever their
-- month, are rebuilt, so delete_insert by key; the pre-hook deletes those orders' lines first
-- (a refunded order's lines come back with none).
-- depends_on: {{ ref('int_changed_orders') }}
-- depends_on: {{ ref('int_rebuilt_order_ids') }}, {{ ref('int_rebuilt_line_ids') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='order_id',
    pre_hook="{{ delete_changed_rows('order_id', 'int_changed_orders') }}",
    order_by=['category', 'product_id', 'order_date', 'order_id'],
    partition_by='toYYYYMM(order_date)'
) }}

with

order_lines as (
    select
        line_id,
        order_id,
        product_id,
        quantity,
        price,
        line_revenue
    from {{ ref('int_order_lines_current') }}
    {%- if is_incremental() %}
    where order_id in (select changed.order_id from {{ ref('int_changed_orders') }} as changed)
    {%- endif %}
),

orders as (
    select
        order_id,
        user_id,
        order_date
    from {{ ref('int_orders_enriched') }}
    {%- if is_incremental() %}
    where order_id in (select changed.order_id from {{ ref('int_changed_orders') }} as changed)
    {%- endif %}
),

products as (
    select
        product_id,
        product_name,
        category
    from {{ ref('stg_mysql__products') }}
),

-- Inner join to orders: only lines of counted orders. Left join to products: a line whose
-- product is missing is kept, with product_name and category 'unknown' (the name and
-- category of a product that exists are cleaned in stg_mysql__products).
joined as (
    select
        order_lines.order_id as order_id,
        order_lines.line_id as line_id,
        orders.user_id as user_id,
        orders.order_date as order_date,
        order_lines.product_id as product_id,
        order_lines.quantity as quantity,
        order_lines.price as price,
        order_lines.line_revenue as line_revenue,
        coalesce(products.product_name, 'unknown') as product_name,
        coalesce(products.category, 'unknown') as category
    from order_lines
    inner join orders
        on order_lines.order_id = orders.order_id
    left join products
        on order_lines.product_id = products.product_id
),

final as (
    select
        cast(order_id as UInt32) as order_id,
        cast(line_id as UInt32) as line_id,
        cast(user_id as UInt32) as user_id,
        cast(order_date as Date) as order_date,
        cast(product_id as UInt32) as product_id,
        cast(product_name as String) as product_name,
        cast(category as LowCardinality(String)) as category,
        cast(quantity as UInt32) as quantity,
        cast(price as Decimal(18, 2)) as price,
        cast(line_revenue as Decimal(18, 2)) as line_revenue
    from joined
)

select * from final
-- a map-valued setting is beyond the ClickHouse dialect of sqlfluff (noqa)
settings join_use_nulls = 1, {{ read_rebuilt_orders_only() }}  -- noqa: PRS
