with

source as (
    select * from {{ source('ops', 'run_history') }}
),

renamed as (
    select
        -- ids
        run_id,

        -- strings
        status as run_status,
        error as first_error,
        failed_steps,
        published as published_marts,

        -- numerics
        models_ok,
        models_failed,
        tests_passed,
        tests_warned,
        tests_failed,
        skipped as nodes_skipped,
        stale_tables,
        load_seconds,
        build_seconds,

        -- booleans
        cast(status = 'success' as Bool) as is_success,

        -- timestamps
        started_at,
        ended_at
    from source
)

select * from renamed
