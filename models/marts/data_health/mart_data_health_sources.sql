{{ config(order_by='source_name') }}

with

loads as (
    select * from {{ ref('stg_ops__source_loads') }}
),

checks as (
    select * from {{ ref('stg_ops__freshness_checks') }}
),

-- each source's last load, and its last successful and last failed one
load_history as (
    select
        source_name,
        max(run_started_at) as last_run_at,
        argMax(load_status, run_started_at) as last_status,
        maxIfOrNull(run_started_at, load_status = 'success') as last_success_at,
        argMaxIf(rows_loaded, run_started_at, load_status = 'success') as last_success_rows,
        maxIfOrNull(run_started_at, load_status = 'failed') as last_error_at,
        argMaxIf(load_error, run_started_at, load_status = 'failed') as last_error
    from loads
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
        load_history.last_run_at as last_run_at,
        load_history.last_success_at as last_success_at,
        load_history.last_error_at as last_error_at,
        freshness.stalest_age_hours as stalest_age_hours,
        freshness.freshness_checked_at as freshness_checked_at,
        cast(load_history.source_name as String) as source_name,
        cast(load_history.last_status as String) as last_status,
        cast(load_history.last_error as String) as last_error,
        cast(coalesce(freshness.freshness_status, 'unknown') as String) as freshness_status,
        cast(coalesce(freshness.stalest_table, '') as String) as stalest_table,
        load_history.last_success_rows as last_success_rows,
        toDate(load_history.last_success_at, 'Europe/Moscow') as last_success_night
    from load_history
    left join freshness on load_history.source_name = freshness.source_name
)

select * from final
settings join_use_nulls = 1
