-- One row per (platform, ad_id, date), docs in the yml.
-- Incremental by (platform, date): a night recomputes the days int_touched_ad_days names (the
-- re-loaded window, plus any day whose rows differ from the built mart: a vanished day, an ad
-- whose URL or campaign changed), so delete_insert by key. insert_overwrite of the month
-- partitions would redo a month for a 7-day window that straddles two, and microbatch would
-- miss a list change on an old day. The pre-hook deletes the touched days first (a day whose
-- rows all vanished comes back with no row).
-- depends_on: {{ ref('int_touched_ad_days') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='platform, date',
    pre_hook="{{ delete_changed_rows('platform, date', 'int_touched_ad_days') }}",
    order_by=['platform', 'date', 'campaign_id', 'ad_id'],
    partition_by='toYYYYMM(date)'
) }}

with

ad_daily as (
    select * from {{ ref('int_ad_daily_unioned') }}
    {%- if is_incremental() %}
    where (platform, date) in (select platform, date from {{ ref('int_touched_ad_days') }})  -- noqa: LT02, LT09, RF02
    {%- endif %}
),

final as (
    select {{ ad_daily_columns() }}
    from ad_daily
)

select * from final
