with

source as (
    select * from {{ source('ops', 'run_failures') }}
),

renamed as (
    select
        -- ids
        run_id,

        -- strings
        step as run_step,
        kind as node_kind,
        name as node_name,
        status as problem_status,
        message,

        -- timestamps
        started_at as run_started_at
    from source
)

select * from renamed
