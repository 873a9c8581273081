{{ config(order_by='(run_started_at, run_step, node_name)') }}

with

failures as (
    select * from {{ ref('stg_ops__run_failures') }}
),

final as (
    select
        run_id,
        node_name,
        message,
        run_started_at,
        cast(run_step as String) as run_step,
        cast(node_kind as String) as node_kind,
        cast(problem_status as String) as problem_status,
        toDate(run_started_at, 'Europe/Moscow') as night_date
    from failures
)

select * from final
