with

source as (
    select * from {{ source('mysql', 'zakazy_tovary') }}
),

deduplicated as (
    {{ latest_version_per_id('source') }}
),

renamed as (
    select
        -- ids: accurateCast fails the build on an id that does not fit, never wraps it
        accurateCast(id, 'UInt32') as line_id,
        accurateCast(zakaz_id, 'UInt32') as order_id,
        accurateCast(tovar_id, 'UInt32') as product_id,

        -- numerics: signed, as in the source (a return line may be negative: tests decide)
        cast(quantity as Int64) as quantity,
        cast(price as Decimal(18, 2)) as price,

        -- timestamps
        {{ msk_datetime('updated_at') }} as updated_at,

        -- load metadata: decides whether the line is still current (int_order_lines_current)
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
