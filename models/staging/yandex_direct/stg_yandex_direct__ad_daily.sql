-- Yandex Direct spend per ad and day in the ad platforms' one column set (the same names and
-- types as stg_vk_ads__ad_daily). The landing URL is the ad's TextAd.Href or
-- TextImageAd.Href; a campaign name the report left empty ('--') comes from the campaigns.
with

report as (
    select
        ad_id,
        date,
        campaign_id,
        campaign_name,
        ad_group_id,
        impressions,
        clicks,
        cost,
        _dlt_load_id
    from {{ source_or_empty('yandex_direct', 'ad_performance', {
        'ad_id': 'Int64', 'date': 'Date', 'campaign_id': 'Int64', 'campaign_name': 'String',
        'ad_group_id': 'Int64', 'impressions': 'Int64', 'clicks': 'Int64',
        'cost': 'Decimal(18, 2)', '_dlt_load_id': 'String'}) }}
),

ads as (
    select
        id,
        text_ad__href,
        text_image_ad__href,
        _dlt_load_id
    from {{ source_or_empty('yandex_direct', 'ads', {
        'id': 'Int64', 'text_ad__href': 'String', 'text_image_ad__href': 'String',
        '_dlt_load_id': 'String'}) }}
),

campaigns as (
    select
        id,
        name,
        _dlt_load_id
    from {{ source_or_empty('yandex_direct', 'campaigns', {
        'id': 'Int64', 'name': 'String', '_dlt_load_id': 'String'}) }}
),

-- the platform's rows carry no updated_at: the latest load wins
report_deduplicated as (
    {{ latest_version_per_id('report', id=['ad_id', 'date'], updated_at=none) }}
),

ads_deduplicated as (
    {{ latest_version_per_id('ads', updated_at=none) }}
),

campaigns_deduplicated as (
    {{ latest_version_per_id('campaigns', updated_at=none) }}
),

final as (
    select
        -- ids
        cast('yandex_direct' as String) as platform,
        cast(coalesce(report_deduplicated.campaign_id, 0) as UInt64) as campaign_id,
        cast(coalesce(report_deduplicated.ad_group_id, 0) as UInt64) as ad_group_id,
        cast(report_deduplicated.ad_id as UInt64) as ad_id,

        -- strings
        cast(
            coalesce(report_deduplicated.campaign_name, campaigns_deduplicated.name)
            as Nullable(String)
        ) as campaign_name,
        cast(
            coalesce(ads_deduplicated.text_ad__href, ads_deduplicated.text_image_ad__href)
            as Nullable(String)
        ) as landing_url,

        -- numerics
        cast(coalesce(report_deduplicated.impressions, 0) as UInt64) as impressions,
        cast(coalesce(report_deduplicated.clicks, 0) as UInt64) as clicks,
        cast(coalesce(report_deduplicated.cost, 0) as Decimal(18, 2)) as spend_rub,

        -- dates
        -- assumeNotNull: without the raw table, date is a NULL constant that a filter on it
        -- (the incremental mart_ad_daily's) would fail to cast; the key is never NULL
        cast(assumeNotNull(report_deduplicated.date) as Date) as date
    from report_deduplicated
    left join ads_deduplicated
        on report_deduplicated.ad_id = ads_deduplicated.id
    left join campaigns_deduplicated
        on report_deduplicated.campaign_id = campaigns_deduplicated.id
)

select * from final
settings join_use_nulls = 1
