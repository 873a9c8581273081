-- The newest outcome per VK id: a later fetch replaces every earlier one.
with

fetches as (
    select * from {{ ref('base_vk__user_fetches') }}
),

deduplicated as (
    {{ latest_version_per_id('fetches', id='vk_id', updated_at='fetched_at') }}
),

renamed as (
    select
        -- ids
        cast(vk_id as UInt64) as vk_id,

        -- strings
        cast(outcome as LowCardinality(String)) as outcome,
        deactivated,
        bdate,
        city_title,
        {{ clean_category('occupation_type') }} as occupation_type,
        occupation_name,
        career as career_json,

        -- numerics
        cast(sex as Nullable(UInt8)) as sex,
        cast(city_id as Nullable(UInt64)) as city_id,

        -- booleans
        cast(outcome = 'profile' as Bool) as is_usable,
        coalesce(is_closed, false) as is_closed,

        -- timestamps
        cast(fetched_at as DateTime('Europe/Moscow')) as fetched_at,

        -- load metadata
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
