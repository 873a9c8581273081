-- Every cohort of mart_customer_cohorts has one row per month_number from 0 to the month of
-- as_of_date, gaps included; and each dimension splits the 'all' cohort of a month exactly
-- (every buyer has one acquisition source and one acquisition city). Returns the cohorts
-- (or cohort months and dimensions) where that fails.
with

cohorts as (
    select
        cohort_month,
        dimension,
        value,
        month_number,
        cohort_buyers
    from {{ ref('mart_customer_cohorts') }}
),

grids as (
    select
        cohort_month,
        dimension,
        value,
        count() as month_rows,
        max(month_number) as last_month_number
    from cohorts
    group by cohort_month, dimension, value
),

gaps as (
    select
        cohort_month,
        dimension,
        'month rows' as problem
    from grids
    where
        last_month_number != dateDiff('month', cohort_month, {{ as_of_month() }})
        or month_rows != last_month_number + 1
),

dimension_buyers as (
    select
        cohort_month,
        dimension,
        sum(cohort_buyers) as buyers
    from cohorts
    where month_number = 0
    group by cohort_month, dimension
),

splits as (
    select
        split.cohort_month as cohort_month,
        split.dimension as dimension,
        'buyers split' as problem
    from dimension_buyers as split
    inner join dimension_buyers as all_buyers
        on split.cohort_month = all_buyers.cohort_month and all_buyers.dimension = 'all'
    where split.buyers != all_buyers.buyers
)

select * from gaps
union all
select * from splits
