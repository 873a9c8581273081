-- Every ad platform's spend per ad and day in one column set (staging standardised them),
-- with the utm_* parameters of the landing URL and the UTM-city parts of utm_content, parsed
-- by the same macro as the orders' (macros/utm.sql). One row per (platform, ad_id, date).
with

city_codes as (
    select
        code,
        city
    from {{ ref('city_codes') }}
),

vk_ads as (
    select
        platform,
        date,
        campaign_id,
        campaign_name,
        ad_group_id,
        ad_id,
        impressions,
        clicks,
        spend_rub,
        landing_url
    from {{ ref('stg_vk_ads__ad_daily') }}
),

yandex_direct as (
    select
        platform,
        date,
        campaign_id,
        campaign_name,
        ad_group_id,
        ad_id,
        impressions,
        clicks,
        spend_rub,
        landing_url
    from {{ ref('stg_yandex_direct__ad_daily') }}
),

unioned as (
    select * from vk_ads
    union all
    select * from yandex_direct
),

utm_extracted as (
    select
        *,
        {{ url_parameter('landing_url', 'utm_source') }} as utm_source,
        {{ url_parameter('landing_url', 'utm_medium') }} as utm_medium,
        {{ url_parameter('landing_url', 'utm_campaign') }} as utm_campaign,
        {{ url_parameter('landing_url', 'utm_content') }} as utm_content
    from unioned
),

-- utm_content checked and split: [code, d, m], or [] when it is not one (macros/utm.sql)
utm_split as (
    select
        *,
        {{ utm_content_parts('utm_content') }} as utm_parts
    from utm_extracted
),

utm_parsed as (
    select
        *,
        nullIf(utm_parts[1], '') as utm_code,
        toUInt8OrNull(utm_parts[2]) as utm_day,
        toUInt8OrNull(utm_parts[3]) as utm_month
    from utm_split
),

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
        platform,
        date,
        campaign_id,
        campaign_name,
        ad_group_id,
        ad_id,
        impressions,
        clicks,
        spend_rub,
        landing_url,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        utm_city,
        utm_day,
        utm_month
    from utm_with_city
)

select * from final
settings join_use_nulls = 1
