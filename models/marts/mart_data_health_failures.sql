{{ config(order_by='(run_started_at, step, node_name)') }}

with

failures as (
    select * from {{ ref('stg_ops__run_failures') }}
),

final as (
    select
        run_id,
        toDate(run_started_at, 'Europe/Moscow') as night_date,
        cast(step as String) as step,
        cast(node_kind as String) as node_kind,
        node_name,
        cast(problem_status as String) as problem_status,
        message,
        run_started_at
    from failures
)

select * from final
