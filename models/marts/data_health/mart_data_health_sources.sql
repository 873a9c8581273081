{{ config(order_by='source_name') }}

with

loads as (
    select * from {{ ref('stg_ops__source_loads') }}
),

checks as (
    select * from {{ ref('stg_ops__freshness_checks') }}
),

last_load as (
    select
        source_name,
        max(run_started_at) as last_run_at,
        argMax(load_status, run_started_at) as last_status
    from loads
    group by source_name
),

last_success as (
    select
        source_name,
        max(run_started_at) as last_success_at,
        argMax(rows_loaded, run_started_at) as last_success_rows
    from loads
    where load_status = 'success'
    group by source_name
),

last_failure as (
    select
        source_name,
        max(run_started_at) as last_error_at,
        argMax(load_error, run_started_at) as last_error
    from loads
    where load_status = 'failed'
    group by source_name
),

latest_checks as (
    select
        source_name,
        table_name,
        max(checked_at) as table_checked_at,
        argMax(freshness_status, checked_at) as table_status,
        argMax(age_hours, checked_at) as table_age_hours
    from checks
    group by source_name, table_name
),

freshness as (
    select
        source_name,
        max(table_checked_at) as freshness_checked_at,
        multiIf(
            countIf(table_status in ('error', 'runtime error')) > 0, 'error',
            countIf(table_status = 'warn') > 0, 'warn',
            'pass'
        ) as freshness_status,
        argMax(table_name, coalesce(table_age_hours, 1e9)) as stalest_table,
        max(table_age_hours) as stalest_age_hours
    from latest_checks
    group by source_name
),

final as (
    select
        last_load.last_run_at as last_run_at,
        last_success.last_success_at as last_success_at,
        last_failure.last_error_at as last_error_at,
        freshness.stalest_age_hours as stalest_age_hours,
        freshness.freshness_checked_at as freshness_checked_at,
        cast(last_load.source_name as String) as source_name,
        cast(last_load.last_status as String) as last_status,
        cast(coalesce(last_failure.last_error, '') as String) as last_error,
        cast(coalesce(freshness.freshness_status, 'unknown') as String) as freshness_status,
        cast(coalesce(freshness.stalest_table, '') as String) as stalest_table,
        coalesce(last_success.last_success_rows, 0) as last_success_rows,
        toDate(last_success.last_success_at, 'Europe/Moscow') as last_success_night
    from last_load
    left join last_success on last_load.source_name = last_success.source_name
    left join last_failure on last_load.source_name = last_failure.source_name
    left join freshness on last_load.source_name = freshness.source_name
)

select * from final
settings join_use_nulls = 1
