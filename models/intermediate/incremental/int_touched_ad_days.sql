-- sqlfluff:indentation:template_blocks_indent:False
-- The (platform, date) rows of mart_ad_daily this night recomputes. The loaders re-load a
-- trailing window of days that replaces those days in raw, so a day is touched when
--   * a statistics row of it was loaded after the marts' watermark (a re-loaded day);
--   * its rows differ from the built mart's (count and hash of all columns): a day whose rows
--     all vanished, and the days of an ad whose list row changed (landing URL, campaign name:
--     the lists are re-loaded whole every night, so their load ids say nothing).
-- No carry-over is needed after a failed night: the comparison is with the published mart.
-- Empty on a full refresh and on a first build.
-- depends_on: {{ ref('int_ad_daily_unioned') }}
{{ config(materialized='table') }}

{%- set built_ads = built_mart_relation('mart_ad_daily') %}

with

watermark as (
    select previous_loaded_through
    from {{ ref('int_load_watermark') }}
),

reloaded as (
    select
        'vk_ads' as platform,
        coalesce(date, toDate(0)) as date
    from {{ source_or_empty('vk_ads', 'banner_stats', {'date': 'Date', '_dlt_load_id': 'String'}) }}
    where {{ changed_since_watermark() }}
    union all
    select
        'yandex_direct' as platform,
        coalesce(date, toDate(0)) as date
    from {{ source_or_empty('yandex_direct', 'ad_performance', {'date': 'Date', '_dlt_load_id': 'String'}) }}
    where {{ changed_since_watermark() }}
),

{%- if built_ads is not none %}

current_rows as (
    select {{ ad_daily_columns() }}
    from {{ ref('int_ad_daily_unioned') }}
),

-- one row per (platform, date) and side; a day on one side only, or whose two sides differ
day_digests as (
    select
        platform,
        date,
        count() as row_count,  -- noqa: RF04
        sum(cityHash64(toString(tuple(*)))) as row_hash
    from current_rows
    group by platform, date
    union all
    select
        platform,
        date,
        count() as row_count,  -- noqa: RF04
        sum(cityHash64(toString(tuple(*)))) as row_hash
    from {{ built_ads }}
    group by platform, date
),

differing as (
    select
        platform,
        date
    from day_digests
    group by platform, date
    having count() = 1 or uniqExact(row_count, row_hash) > 1
),

{%- endif %}

touched as (
    select
        platform,
        date
    from reloaded
    {%- if built_ads is not none %}
    union all
    select
        platform,
        date
    from differing
    {%- endif %}
)

select distinct
    cast(platform as String) as platform,
    cast(date as Date) as date
from touched
{%- if flags.FULL_REFRESH or not incremental_marts_built() %}
where false
{%- endif %}
