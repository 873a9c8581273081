-- One row per (platform, ad_id, date), docs in the yml. Incremental: only the (platform, date)
-- rows of int_touched_ad_days are recomputed (the pre-hook deletes them first).
-- depends_on: {{ ref('int_touched_ad_days') }}
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
