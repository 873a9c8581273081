-- sqlfluff:indentation:template_blocks_indent:False
-- The cohort months of mart_customer_cohorts this night recomputes, every dimension, value and
-- month_number of each. A cohort month is touched when
--   * a version of a changed order falls in it (int_changed_orders, old and new): the order
--     may be, or have been, a buyer's first, or add to their cohort's month;
--   * it holds the earliest order the night did not change of a user with a changed order:
--     that order was the user's first before the night if no changed one came before it, so
--     the user may have left that cohort (their first order refunded or re-dated after it,
--     or an earlier order counted since);
--   * a day of it had its ad spend touched (int_touched_ad_days);
--   * the month of as_of_date is not the one the built mart ends on: every cohort, built or
--     current, gains (or loses) month_number rows.
-- Empty on a full refresh and on a first build.
{{ config(materialized='table') }}

{%- set built_cohorts = load_relation(source('published_marts', 'mart_customer_cohorts')) %}

with

changed_orders as (
    select
        order_id,
        order_date
    from {{ ref('int_changed_orders') }}
),

rebuilt_users as (
    select user_id
    from {{ ref('int_rebuilt_users') }}
),

orders as (
    select
        order_id,
        user_id,
        order_date,
        user_order_seq
    from {{ ref('fct_orders') }}
),

touched_ad_days as (
    select date
    from {{ ref('int_touched_ad_days') }}
),

kept_first_orders as (
    select min(order_date) as order_date
    from orders
    where
        user_id in (select rebuilt_users.user_id from rebuilt_users)
        and order_id not in (select changed_orders.order_id from changed_orders)
    group by user_id
),

{%- if built_cohorts is not none %}

all_cohort_months as (
    select cohort_month
    from {{ built_cohorts }}
    union all
    select toStartOfMonth(order_date) as cohort_month
    from orders
    where user_order_seq = 1
),

as_of_moved_months as (
    select cohort_month
    from all_cohort_months
    where
        (
            select max(addMonths(built.cohort_month, built.month_number)) as built_through
            from {{ built_cohorts }} as built
        )
        != {{ as_of_month() }}
),

{%- endif %}

touched as (
    select toStartOfMonth(order_date) as cohort_month
    from changed_orders
    union all
    select toStartOfMonth(order_date) as cohort_month
    from kept_first_orders
    union all
    select toStartOfMonth(date) as cohort_month
    from touched_ad_days
    {%- if built_cohorts is not none %}
    union all
    select cohort_month
    from as_of_moved_months
    {%- endif %}
)

select distinct cast(cohort_month as Date) as cohort_month
from touched
{%- if flags.FULL_REFRESH or not incremental_marts_built() %}
where false
{%- endif %}
