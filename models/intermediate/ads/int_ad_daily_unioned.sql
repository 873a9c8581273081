-- sqlfluff:indentation:template_blocks_indent:False
-- Every ad platform's spend per ad and day in one column set (staging standardised them),
-- with the utm_* parameters of the landing URL and the UTM-city parts of utm_content, parsed
-- by the same macro as the orders' (macros/sql_helpers/utm.sql). One row per
-- (platform, ad_id, date).
{%- set platforms = ['stg_vk_ads__ad_daily', 'stg_yandex_direct__ad_daily'] %}
{#- the platforms' one column set, as staging names and types it #}
{%- set ad_columns = [
    'platform', 'date', 'campaign_id', 'campaign_name', 'ad_group_id', 'ad_id', 'impressions',
    'clicks', 'spend_rub', 'landing_url'] %}

with

unioned as (
    {%- for platform in platforms %}
    select
        {{ ad_columns | join(',\n        ') }}
    from {{ ref(platform) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
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

utm_parsed as (
    {{ with_utm_city('utm_extracted') }}
),

final as (
    select
        {{ ad_columns | join(',\n        ') }},
        {{ utm_columns() }}
    from utm_parsed
)

select * from final
settings join_use_nulls = 1
