with

source as (
    select * from {{ source('mysql', 'tovary') }}
),

deduplicated as (
    select *
    from source
    order by id asc, updated_at desc, {{ dlt_load_id('_dlt_load_id') }} desc
    limit 1 by id
),

renamed as (
    select
        -- ids
        accurateCast(id, 'UInt32') as product_id,

        -- strings
        {{ clean_text('name') }} as product_name,
        {{ clean_category('category') }} as category,

        -- numerics
        cast(price as Decimal(18, 2)) as list_price,

        -- timestamps
        {{ msk_datetime('updated_at') }} as updated_at,

        -- load metadata
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
