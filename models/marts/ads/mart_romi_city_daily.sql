-- sqlfluff:indentation:template_blocks_indent:False
-- Spend, orders and ROMI per Moscow date and known city: spend of the ads whose utm_city is
-- the city; orders delivered to the city; orders attributed to it by their own utm_city.
-- Incremental by date: a night recomputes every city of the dates int_touched_romi_days names
-- (touched ad days, old and new dates of changed orders), scattered over any age (an old order
-- refunded), so delete_insert by key, not insert_overwrite of months or a microbatch window.
-- Whole dates, not (date, city): a changed order or ad may move between cities, and a day has
-- few rows. The pre-hook deletes the touched dates first (a date left without spend or orders
-- comes back with no row).
{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='date',
    pre_hook="{{ delete_changed_rows('date', 'int_touched_romi_days') }}",
    order_by=['city', 'date'],
    partition_by='toYYYYMM(date)'
) }}
{#- read by the incremental build; ref()'d here so that dbt always builds it first #}
{%- set int_touched_romi_days = ref('int_touched_romi_days') %}

with

ads as (
    select
        date,
        utm_city,
        spend_rub,
        impressions,
        clicks
    from {{ ref('mart_ad_daily') }}
    where utm_city is not null  -- noqa: LT02
    {%- if is_incremental() %}
    and date in (select date from {{ int_touched_romi_days }})  -- noqa: RF02
    {%- endif %}
),

orders as (
    select
        order_date,
        delivery_city,
        utm_city,
        revenue
    from {{ ref('fct_orders') }}
    {%- if is_incremental() %}
    where order_date in (select date from {{ int_touched_romi_days }})  -- noqa: RF02
    {%- endif %}
),

spend_per_city as (
    select
        date,
        assumeNotNull(utm_city) as city,
        sum(spend_rub) as spend_rub,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from ads
    group by date, city
),

delivered_per_city as (
    select
        order_date as date,
        delivery_city as city,
        count() as orders,
        sum(revenue) as revenue_rub
    from orders
    where delivery_city != 'unknown'
    group by date, city
),

attributed_per_city as (
    select
        order_date as date,
        assumeNotNull(utm_city) as city,
        count() as attributed_orders,
        sum(revenue) as attributed_revenue_rub
    from orders
    where utm_city is not null
    group by date, city
),

city_days as (
    select
        date,
        city
    from spend_per_city
    union distinct
    select
        date,
        city
    from delivered_per_city
    union distinct
    select
        date,
        city
    from attributed_per_city
),

joined as (
    select
        city_days.date as date,
        city_days.city as city,
        coalesce(spend_per_city.spend_rub, 0) as spend_rub,
        coalesce(spend_per_city.impressions, 0) as impressions,
        coalesce(spend_per_city.clicks, 0) as clicks,
        coalesce(delivered_per_city.orders, 0) as orders,
        coalesce(delivered_per_city.revenue_rub, 0) as revenue_rub,
        coalesce(attributed_per_city.attributed_orders, 0) as attributed_orders,
        coalesce(attributed_per_city.attributed_revenue_rub, 0) as attributed_revenue_rub
    from city_days
    left join spend_per_city
        on city_days.date = spend_per_city.date and city_days.city = spend_per_city.city
    left join delivered_per_city
        on city_days.date = delivered_per_city.date and city_days.city = delivered_per_city.city
    left join attributed_per_city
        on
            city_days.date = attributed_per_city.date
            and city_days.city = attributed_per_city.city
),

romi_computed as (
    select
        *,
        {{ ratio('attributed_revenue_rub - spend_rub', 'spend_rub') }} as romi
    from joined
),

final as (
    select
        cast(date as Date) as date,
        cast(city as LowCardinality(String)) as city,
        cast(spend_rub as Decimal(18, 2)) as spend_rub,
        cast(impressions as UInt64) as impressions,
        cast(clicks as UInt64) as clicks,
        cast(orders as UInt64) as orders,
        cast(revenue_rub as Decimal(18, 2)) as revenue_rub,
        cast(attributed_orders as UInt64) as attributed_orders,
        cast(attributed_revenue_rub as Decimal(18, 2)) as attributed_revenue_rub,
        cast(romi as Nullable(Float64)) as romi,
        cast(
            multiIf(
                romi is null, 'none',
                romi < {{ var('romi_red_below') }}, 'red',
                romi < {{ var('romi_green_from') }}, 'yellow',
                'green'
            ) as LowCardinality(String)
        ) as romi_status
    from romi_computed
)

select * from final
settings join_use_nulls = 1
