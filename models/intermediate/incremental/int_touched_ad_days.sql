-- sqlfluff:indentation:template_blocks_indent:False
-- The (platform, date) rows of mart_ad_daily this night recomputes. The loaders re-load a
-- trailing window of days that replaces those days in raw, so a day is touched when
--   * a statistics row of it was loaded after the marts' watermark (a re-loaded day);
--   * its rows differ from the published mart's (count and hash of all columns): a day whose
--     rows all vanished, and the days of an ad whose list row changed (landing URL, campaign
--     name: the lists are re-loaded whole every night, so their load ids say nothing).
-- No carry-over is needed after a failed night: the comparison is with the published mart.
-- Empty on a full refresh and on a first build.

{%- set published_ads = load_relation(source('published_marts', 'mart_ad_daily')) %}
{%- set int_ad_daily_unioned = ref('int_ad_daily_unioned') %}

with

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

{%- if published_ads is not none %}

current_rows as (
    select {{ ad_daily_columns() }}
    from {{ int_ad_daily_unioned }}
),

-- one row per (platform, date) and side, tonight's and the published; a day on one side
-- only, or whose two sides differ, is touched
day_digests as (
    {%- for side in ['current_rows', published_ads] %}
    select
        platform,
        date,
        count() as row_count,  -- noqa: RF04
        sum(cityHash64(toString(tuple(*)))) as row_hash
    from {{ side }}
    group by platform, date
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
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
    {%- if published_ads is not none %}
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
