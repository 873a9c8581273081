-- Every ad platform's spend per ad and day in one column set (staging standardised them),
-- with the utm_* parameters of the landing URL and the UTM-city parts of utm_content, parsed
-- by the same macros as the orders' (macros/utm.sql). One row per (platform, ad_id, date).
with

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

utm_normalized as (
    select
        *,
        {{ normalize_utm_content('utm_content') }} as utm_content_normalized
    from utm_extracted
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
        {{ utm_city('utm_content_normalized') }} as utm_city,
        {{ utm_day('utm_content_normalized') }} as utm_day,
        {{ utm_month('utm_content_normalized') }} as utm_month
    from utm_normalized
)

select * from final
