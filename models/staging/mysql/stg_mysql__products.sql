with

source as (
    select * from {{ source('mysql', 'tovary') }}
),

deduplicated as (
    {{ latest_version_per_id('source') }}
),

renamed as (
    select
        -- ids
        accurateCast(id, 'UInt32') as product_id,

        -- strings: what the marts show, lowercase and trimmed, 'unknown' when missing
        coalesce({{ clean_category('name') }}, 'unknown') as product_name,
        coalesce({{ clean_category('category') }}, 'unknown') as category,

        -- numerics
        cast(price as Decimal(18, 2)) as list_price,

        -- timestamps
        {{ msk_datetime('updated_at') }} as updated_at,

        -- load metadata
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
