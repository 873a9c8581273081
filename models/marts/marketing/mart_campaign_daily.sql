-- sqlfluff:indentation:template_blocks_indent:False
-- Spend and attributed sales per (date, platform, utm_campaign), docs in the yml
-- (docs/marts.md): the platform's ads whose landing URL carries the utm_campaign, next to the
-- counted orders placed that date whose utm_source stands for the platform (seed
-- utm_source_platforms) and whose utm_campaign is the same, with the ratios between them.
-- Incremental by date, like mart_romi_city_daily: a night recomputes every platform and
-- campaign of the dates int_touched_campaign_days names (touched ad days, old and new dates of
-- changed orders, dates of renumbered orders), scattered over any age, so delete_insert by key;
-- the pre-hook deletes them first (a date can be left empty).
{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='date',
    pre_hook="{{ delete_changed_rows('date', 'int_touched_campaign_days') }}",
    order_by=['platform', 'date', 'utm_campaign'],
    partition_by='toYYYYMM(date)'
) }}
{#- read by the incremental build; ref()'d here so that dbt always builds it first #}
{%- set int_touched_campaign_days = ref('int_touched_campaign_days') %}

with

{%- if is_incremental() %}

touched as (
    select date
    from {{ int_touched_campaign_days }}
),

{%- endif %}

ads as (
    select
        date,
        platform,
        utm_campaign,
        campaign_name,
        spend_rub,
        impressions,
        clicks
    from {{ ref('mart_ad_daily') }}
    {%- if is_incremental() %}
    where date in (select touched.date from touched)
    {%- endif %}
),

attributed_orders as (
    select
        order_date,
        platform,
        utm_campaign,
        revenue,
        user_order_seq
    from {{ ref('int_orders_attributed') }}
    {%- if is_incremental() %}
    where order_date in (select touched.date from touched)
    {%- endif %}
),

spend_per_campaign as (
    select
        date,
        cast(platform as String) as platform,
        {{ segment_value('utm_campaign') }} as campaign_tag,
        sum(spend_rub) as spend_rub,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        arraySort(groupUniqArray(campaign_name)) as campaign_names
    from ads
    group by date, platform, campaign_tag
),

attributed_per_campaign as (
    select
        order_date as date,
        utm_campaign as campaign_tag,
        platform,
        count() as attributed_orders,
        sum(revenue) as attributed_revenue_rub,
        countIf(user_order_seq = 1) as new_buyers
    from attributed_orders
    where platform is not null
    group by date, platform, campaign_tag
),

campaign_days as (
    select
        date,
        platform,
        campaign_tag
    from spend_per_campaign
    union distinct
    select
        date,
        assumeNotNull(platform) as platform,
        campaign_tag
    from attributed_per_campaign
),

joined as (
    select
        campaign_days.date as date,
        campaign_days.platform as platform,
        campaign_days.campaign_tag as campaign_tag,
        coalesce(spend_per_campaign.campaign_names, []) as campaign_names,
        coalesce(spend_per_campaign.spend_rub, 0) as spend_rub,
        coalesce(spend_per_campaign.impressions, 0) as impressions,
        coalesce(spend_per_campaign.clicks, 0) as clicks,
        coalesce(attributed_per_campaign.attributed_orders, 0) as attributed_orders,
        coalesce(attributed_per_campaign.attributed_revenue_rub, 0) as attributed_revenue_rub,
        coalesce(attributed_per_campaign.new_buyers, 0) as new_buyers
    from campaign_days
    left join spend_per_campaign
        on
            campaign_days.date = spend_per_campaign.date
            and campaign_days.platform = spend_per_campaign.platform
            and campaign_days.campaign_tag = spend_per_campaign.campaign_tag
    left join attributed_per_campaign
        on
            campaign_days.date = attributed_per_campaign.date
            and campaign_days.platform = attributed_per_campaign.platform
            and campaign_days.campaign_tag = attributed_per_campaign.campaign_tag
),

final as (
    select
        cast(date as Date) as date,
        cast(platform as LowCardinality(String)) as platform,
        cast(campaign_tag as String) as utm_campaign,
        cast(campaign_names as Array(String)) as campaign_names,
        cast(spend_rub as Decimal(18, 2)) as spend_rub,
        cast(impressions as UInt64) as impressions,
        cast(clicks as UInt64) as clicks,
        cast(attributed_orders as UInt64) as attributed_orders,
        cast(attributed_revenue_rub as Decimal(18, 2)) as attributed_revenue_rub,
        cast(new_buyers as UInt64) as new_buyers,
        cast({{ ratio('clicks', 'impressions') }} as Nullable(Float64)) as ctr,
        cast({{ rubles_per('spend_rub', 'clicks') }} as Nullable(Decimal(18, 2))) as cpc_rub,
        cast({{ rubles_per('spend_rub', 'attributed_orders') }} as Nullable(Decimal(18, 2))) as cpo_rub,
        cast({{ rubles_per('spend_rub', 'new_buyers') }} as Nullable(Decimal(18, 2))) as cac_rub,
        cast({{ ratio('attributed_revenue_rub - spend_rub', 'spend_rub') }} as Nullable(Float64)) as romi,
        cast({{ ratio('spend_rub', 'attributed_revenue_rub') }} as Nullable(Float64)) as drr
    from joined
)

select * from final
settings join_use_nulls = 1
