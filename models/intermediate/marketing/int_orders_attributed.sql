-- Every counted order (fct_orders) with the keys the marketing marts read it by
-- (docs/marts.md, "Acquisition and attribution"): its utm_source, utm_campaign and utm_city
-- as dimension values (lowercase, trimmed, 'unknown' when missing), and the ad platform its
-- utm_source stands for (seed utm_source_platforms; NULL when it stands for none).
with

orders as (
    select
        order_id,
        user_id,
        order_date,
        revenue,
        user_order_seq,
        utm_source,
        utm_campaign,
        utm_city
    from {{ ref('fct_orders') }}
),

utm_source_platforms as (
    select
        utm_source,
        platform
    from {{ ref('utm_source_platforms') }}
),

cleaned as (
    select
        order_id,
        user_id,
        order_date,
        revenue,
        user_order_seq,
        {{ segment_value('utm_source') }} as utm_source,
        {{ segment_value('utm_campaign') }} as utm_campaign,
        {{ segment_value('utm_city') }} as utm_city
    from orders
),

final as (
    select
        cleaned.*,
        utm_source_platforms.platform as platform
    from cleaned
    left join utm_source_platforms
        on cleaned.utm_source = utm_source_platforms.utm_source
)

select * from final
settings join_use_nulls = 1
