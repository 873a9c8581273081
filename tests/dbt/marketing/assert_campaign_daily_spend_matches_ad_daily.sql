-- mart_campaign_daily splits mart_ad_daily's rows among campaigns and loses none: spend,
-- impressions and clicks per (date, platform) are mart_ad_daily's. Returns the differing
-- (date, platform) pairs, and those one side lacks (a pair of the campaign mart without ad
-- rows must have nothing to compare: 0 spend, impressions and clicks).
with

campaigns as (
    select
        date,
        cast(platform as String) as platform,
        sum(spend_rub) as spend_rub,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from {{ ref('mart_campaign_daily') }}
    group by date, platform
),

ads as (
    select
        date,
        cast(platform as String) as platform,
        sum(spend_rub) as spend_rub,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from {{ ref('mart_ad_daily') }}
    group by date, platform
),

compared as (
    select
        coalesce(campaigns.date, ads.date) as date,
        coalesce(campaigns.platform, ads.platform) as platform,
        coalesce(campaigns.spend_rub, 0) as campaign_spend_rub,
        coalesce(ads.spend_rub, 0) as ad_spend_rub,
        coalesce(campaigns.impressions, 0) as campaign_impressions,
        coalesce(ads.impressions, 0) as ad_impressions,
        coalesce(campaigns.clicks, 0) as campaign_clicks,
        coalesce(ads.clicks, 0) as ad_clicks
    from campaigns
    full outer join ads
        on campaigns.date = ads.date and campaigns.platform = ads.platform
)

select *
from compared
where
    campaign_spend_rub != ad_spend_rub
    or campaign_impressions != ad_impressions
    or campaign_clicks != ad_clicks
settings join_use_nulls = 1
