with

source as (
    select * from {{ source('mysql', 'zakazy') }}
),

deduplicated as (
    {{ latest_version_per_id('source') }}
),

renamed as (
    select
        -- ids: accurateCast fails the build on an id that does not fit, never wraps it
        accurateCast(id, 'UInt32') as order_id,
        accurateCast(user_id, 'UInt32') as user_id,
        accurateCast(delivery_city_id, 'Nullable(UInt32)') as delivery_city_id,

        -- strings
        coalesce({{ clean_category('payment_method') }}, 'unknown') as payment_method,
        {{ clean_text('utm_source') }} as utm_source,
        {{ clean_text('utm_medium') }} as utm_medium,
        {{ clean_text('utm_campaign') }} as utm_campaign,
        {{ clean_text('utm_content') }} as utm_content,

        -- numerics
        -- a status of 257 must not wrap to 1 (paid): fail instead
        accurateCast(status, 'UInt8') as status,
        cast(delivery_cost as Decimal(18, 2)) as delivery_cost,

        -- timestamps
        {{ msk_datetime('created_at') }} as created_at,
        {{ msk_datetime('updated_at') }} as updated_at,

        -- load metadata
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
