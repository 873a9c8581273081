-- The union of the ad platforms (marts.mart_ad_daily) carries exactly each platform's landed
-- totals (raw, one row per ad and day after the loader's window merge) for every day:
-- spend, impressions, clicks and row count per (platform, date). Fails per differing day.
with

vk_ads_landed as (
    select
        'vk_ads' as platform,
        date,
        sum(spent) as spend_rub,
        sum(shows) as impressions,
        sum(clicks) as clicks,
        count() as n_rows
    from {{ source_or_empty('vk_ads', 'banner_stats', {
        'date': 'Date', 'spent': 'Decimal(18, 2)', 'shows': 'Int64', 'clicks': 'Int64'}) }}
    group by date
),

yandex_direct_landed as (
    select
        'yandex_direct' as platform,
        date,
        sum(cost) as spend_rub,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        count() as n_rows
    from {{ source_or_empty('yandex_direct', 'ad_performance', {
        'date': 'Date', 'cost': 'Decimal(18, 2)', 'impressions': 'Int64', 'clicks': 'Int64'}) }}
    group by date
),

landed as (
    select * from vk_ads_landed
    union all
    select * from yandex_direct_landed
),

unioned as (
    select
        date,
        cast(platform as String) as platform,
        sum(spend_rub) as spend_rub,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        count() as n_rows
    from {{ ref('mart_ad_daily') }}
    group by platform, date
),

compared as (
    select
        landed.spend_rub as landed_spend_rub,
        unioned.spend_rub as unioned_spend_rub,
        landed.impressions as landed_impressions,
        unioned.impressions as unioned_impressions,
        landed.clicks as landed_clicks,
        unioned.clicks as unioned_clicks,
        landed.n_rows as landed_rows,
        unioned.n_rows as unioned_rows,
        coalesce(landed.platform, unioned.platform) as platform,
        coalesce(landed.date, unioned.date) as date
    from landed
    full outer join unioned
        on landed.platform = unioned.platform and landed.date = unioned.date
)

select *
from compared
where
    not (
        coalesce(landed_spend_rub = unioned_spend_rub, false)
        and coalesce(toUInt64(landed_impressions) = unioned_impressions, false)
        and coalesce(toUInt64(landed_clicks) = unioned_clicks, false)
        and coalesce(landed_rows = unioned_rows, false)
    )
settings join_use_nulls = 1
