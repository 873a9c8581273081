with

source as (
    select * from {{ source('mysql', 'cities') }}
),

-- cities has no updated_at: the row of the latest load wins.
deduplicated as (
    {{ latest_version_per_id('source', updated_at=none) }}
),

renamed as (
    select
        -- ids
        accurateCast(id, 'UInt32') as city_id,

        -- strings
        {{ clean_category('name') }} as city_name,

        -- load metadata
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
