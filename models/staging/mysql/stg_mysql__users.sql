with

source as (
    select * from {{ source('mysql', 'users') }}
),

deduplicated as (
    {{ latest_version_per_id('source') }}
),

renamed as (
    select
        -- ids
        accurateCast(id, 'UInt32') as user_id,
        accurateCast(vk_id, 'Nullable(UInt64)') as vk_id,

        -- strings (no contact data or names: the loader does not land them,
        -- docs/personal-data.md)
        {{ clean_category('gender') }} as gender,
        -- raw text ('1990-05-01', '0000-00-00' or NULL): parsed in int_users_profiled,
        -- because the rule depends on as_of_date
        {{ clean_text('birthday') }} as birthday_text,

        -- timestamps
        {{ msk_datetime('created_at') }} as created_at,
        {{ msk_datetime('updated_at') }} as updated_at,

        -- load metadata
        {{ dlt_load_id('_dlt_load_id') }} as dlt_load_id
    from deduplicated
)

select * from renamed
