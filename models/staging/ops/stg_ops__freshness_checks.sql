with

source as (
    select * from {{ source('ops', 'run_freshness') }}
),

renamed as (
    select
        -- ids
        run_id,

        -- strings
        source as source_name,
        table_name,
        status as freshness_status,
        error as check_error,

        -- timestamps
        max_loaded_at,
        checked_at,

        -- numerics: thresholds and the newest row's age at the check, in hours
        warn_after_seconds / 3600 as warn_after_hours,
        error_after_seconds / 3600 as error_after_hours,
        dateDiff('second', max_loaded_at, checked_at) / 3600 as age_hours
    from source
)

select * from renamed
