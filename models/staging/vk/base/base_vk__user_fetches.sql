-- Every VK outcome as landed (one row per requested vk_id and fetch). The VK loader creates
-- raw.vk__users with its first outcome; until then this view reads an empty stand-in with
-- the same columns, so a warehouse without VK data still builds.
{%- set no_fetches_yet -%}
    select
        cast(0 as Int64) as vk_id,
        '' as outcome,
        cast(null as Nullable(String)) as deactivated,
        cast(null as Nullable(Bool)) as is_closed,
        cast(null as Nullable(Bool)) as can_access_closed,
        cast(null as Nullable(Int64)) as sex,
        cast(null as Nullable(String)) as bdate,
        cast(null as Nullable(Int64)) as city_id,
        cast(null as Nullable(String)) as city_title,
        cast(null as Nullable(String)) as occupation_type,
        cast(null as Nullable(Int64)) as occupation_id,
        cast(null as Nullable(String)) as occupation_name,
        cast(null as Nullable(String)) as career,
        cast(0 as DateTime64(6, 'UTC')) as fetched_at,
        '0' as _dlt_load_id
    where 0
{%- endset %}

with

source as (
    select * from {{ source_or_empty('vk', 'users', no_fetches_yet) }}
),

renamed as (
    select
        vk_id,
        outcome,
        deactivated,
        is_closed,
        can_access_closed,
        sex,
        bdate,
        city_id,
        city_title,
        occupation_type,
        occupation_id,
        occupation_name,
        career,
        fetched_at,
        _dlt_load_id
    from source
)

select * from renamed
