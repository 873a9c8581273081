{#
    One query-string parameter of a URL: the first occurrence, the fragment ignored
    ('#utm_content=x' is not a parameter), URL-decoded, trimmed; '' and absent become NULL.
#}
{% macro url_parameter(url, name) -%}
    {{ clean_text("decodeURLComponent(extractURLParameter(cutFragment(coalesce(" ~ url ~ ", '')), '" ~ name ~ "'))") }}
{%- endmacro %}


{#
    The columns of mart_ad_daily from int_ad_daily_unioned's, in the mart's order and types:
    shared by the mart and int_touched_ad_days, which compares them with the built mart.
#}
{% macro ad_daily_columns() -%}
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
    {{ utm_columns() }}
{%- endmacro %}
