with

ad_daily as (
    select * from {{ ref('int_ad_daily_unioned') }}
),

final as (
    select
        cast(date as Date) as date,
        cast(platform as LowCardinality(String)) as platform,
        cast(campaign_id as UInt64) as campaign_id,
        cast(coalesce({{ clean_category('campaign_name') }}, 'unknown') as String) as campaign_name,
        cast(ad_group_id as UInt64) as ad_group_id,
        cast(ad_id as UInt64) as ad_id,
        cast(impressions as UInt64) as impressions,
        cast(clicks as UInt64) as clicks,
        cast(spend_rub as Decimal(18, 2)) as spend_rub,
        cast(landing_url as Nullable(String)) as landing_url,
        cast(utm_source as Nullable(String)) as utm_source,
        cast(utm_medium as Nullable(String)) as utm_medium,
        cast(utm_campaign as Nullable(String)) as utm_campaign,
        cast(utm_content as Nullable(String)) as utm_content,
        cast(utm_city as Nullable(String)) as utm_city,
        cast(utm_day as Nullable(UInt8)) as utm_day,
        cast(utm_month as Nullable(UInt8)) as utm_month
    from ad_daily
)

select * from final
