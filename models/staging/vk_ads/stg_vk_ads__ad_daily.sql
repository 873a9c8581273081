-- VK Ads spend per banner and day in the ad platforms' one column set (the same names and
-- types as stg_yandex_direct__ad_daily): a `platform` literal, campaign = ad plan, ad = banner.
-- The platform's lists are joined here because its statistics carry only the banner id.
with

stats as (
    select
        banner_id,
        date,
        shows,
        clicks,
        spent,
        _dlt_load_id
    from {{ source_or_empty('vk_ads', 'banner_stats', {
        'banner_id': 'Int64', 'date': 'Date', 'shows': 'Int64', 'clicks': 'Int64',
        'spent': 'Decimal(18, 2)', '_dlt_load_id': 'String'}) }}
),

banners as (
    select
        id,
        ad_group_id,
        urls__primary__url,
        _dlt_load_id
    from {{ source_or_empty('vk_ads', 'banners', {
        'id': 'Int64', 'ad_group_id': 'Int64', 'urls__primary__url': 'String',
        '_dlt_load_id': 'String'}) }}
),

ad_groups as (
    select
        id,
        ad_plan_id,
        _dlt_load_id
    from {{ source_or_empty('vk_ads', 'ad_groups', {
        'id': 'Int64', 'ad_plan_id': 'Int64', '_dlt_load_id': 'String'}) }}
),

ad_plans as (
    select
        id,
        name,
        _dlt_load_id
    from {{ source_or_empty('vk_ads', 'ad_plans', {
        'id': 'Int64', 'name': 'String', '_dlt_load_id': 'String'}) }}
),

-- the platform's rows carry no updated_at: the latest load wins
stats_deduplicated as (
    {{ latest_version_per_id('stats', id=['banner_id', 'date'], updated_at=none) }}
),

banners_deduplicated as (
    {{ latest_version_per_id('banners', updated_at=none) }}
),

ad_groups_deduplicated as (
    {{ latest_version_per_id('ad_groups', updated_at=none) }}
),

ad_plans_deduplicated as (
    {{ latest_version_per_id('ad_plans', updated_at=none) }}
),

final as (
    select
        -- ids
        cast('vk_ads' as String) as platform,
        cast(coalesce(ad_groups_deduplicated.ad_plan_id, 0) as UInt64) as campaign_id,
        cast(coalesce(banners_deduplicated.ad_group_id, 0) as UInt64) as ad_group_id,
        cast(stats_deduplicated.banner_id as UInt64) as ad_id,

        -- strings
        cast(ad_plans_deduplicated.name as Nullable(String)) as campaign_name,
        cast(banners_deduplicated.urls__primary__url as Nullable(String)) as landing_url,

        -- numerics
        cast(coalesce(stats_deduplicated.shows, 0) as UInt64) as impressions,
        cast(coalesce(stats_deduplicated.clicks, 0) as UInt64) as clicks,
        cast(coalesce(stats_deduplicated.spent, 0) as Decimal(18, 2)) as spend_rub,

        -- dates
        -- assumeNotNull: without the raw table, date is a NULL constant that a filter on it
        -- (the incremental mart_ad_daily's) would fail to cast; the key is never NULL
        cast(assumeNotNull(stats_deduplicated.date) as Date) as date
    from stats_deduplicated
    left join banners_deduplicated
        on stats_deduplicated.banner_id = banners_deduplicated.id
    left join ad_groups_deduplicated
        on banners_deduplicated.ad_group_id = ad_groups_deduplicated.id
    left join ad_plans_deduplicated
        on ad_groups_deduplicated.ad_plan_id = ad_plans_deduplicated.id
)

select * from final
settings join_use_nulls = 1
