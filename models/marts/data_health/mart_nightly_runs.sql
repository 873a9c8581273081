{{ config(order_by='(started_at, run_id)') }}

with

runs as (
    select * from {{ ref('stg_ops__runs') }}
),

final as (
    select
        run_id,
        is_success,
        first_error,
        failed_steps,
        published_marts,
        models_ok,
        models_failed,
        tests_passed,
        tests_warned,
        tests_failed,
        stale_tables,
        load_seconds,
        build_seconds,
        started_at,
        ended_at,
        cast(run_status as String) as run_status,
        toDate(started_at, 'Europe/Moscow') as night_date
    from runs
)

select * from final
