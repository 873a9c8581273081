with

source as (
    select * from {{ source('ops', 'run_sources') }}
),

renamed as (
    select
        -- ids
        run_id,

        -- strings
        source as source_name,
        status as load_status,
        error as load_error,

        -- numerics
        rows_loaded,
        seconds as load_seconds,

        -- timestamps
        started_at as run_started_at
    from source
)

select * from renamed
