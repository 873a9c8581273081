with

source as (
    select * from {{ source('mysql', 'zakazy_tovary') }}
),

deduplicated as (
    {{ latest_version_per_id('source') }}
),

renamed as (
    select
        -- ids
        cast(id as UInt32) as line_id,
        cast(zakaz_id as UInt32) as order_id,
        cast(tovar_id as UInt32) as product_id,

        -- numerics
        cast(quantity as UInt32) as quantity,
        cast(price as Decimal(18, 2)) as price,

        -- timestamps
        {{ msk_datetime('updated_at') }} as updated_at,

        -- load metadata: decides whether the line is still current (int_order_lines_current)
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
