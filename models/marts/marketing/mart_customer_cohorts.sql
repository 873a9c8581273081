-- sqlfluff:indentation:template_blocks_indent:False
-- Customer cohorts by acquisition month and month number, docs in the yml (docs/marts.md).
-- Each counted order of a cohort's buyer is joined to the buyer's acquisition (their first
-- counted order) and ARRAY JOINed to the cohort's three dimensions; a grid of month numbers
-- 0 .. the month of as_of_date gives a month without orders its row of zeros; spend is
-- mart_ad_daily's per month, for all ads, per platform (through the seed
-- utm_source_platforms) and per utm_city.
-- Incremental by cohort month: a night recomputes every dimension, value and month of the
-- cohort months int_touched_cohort_months names (changed orders' months, the months of the first
-- orders they may displace, touched ad days, everything when the month of as_of_date moved). A
-- cohort's cumulative and payback columns read all its months, so whole cohort months are the
-- unit: delete_insert by key, the pre-hook deleting them first (a cohort can lose its last
-- buyer). Small, so not partitioned; sorted for DataLens's dimension selector.
{{ config(
    materialized='incremental',
    incremental_strategy='delete_insert',
    unique_key='cohort_month',
    pre_hook="{{ delete_changed_rows('cohort_month', 'int_touched_cohort_months') }}",
    order_by=['dimension', 'value', 'cohort_month', 'month_number']
) }}
{#- read by the incremental build; ref()'d here so that dbt always builds it first #}
{%- set int_touched_cohort_months = ref('int_touched_cohort_months') %}

with

{%- if is_incremental() %}

touched as (
    select cohort_month
    from {{ int_touched_cohort_months }}
),

{%- endif %}

counted_orders as (
    select
        user_id,
        order_date,
        revenue,
        user_order_seq,
        utm_source,
        utm_city
    from {{ ref('int_orders_attributed') }}
    where toStartOfMonth(order_date) <= {{ as_of_month() }}
),

ad_spend as (
    select
        date,
        platform,
        utm_city,
        spend_rub
    from {{ ref('mart_ad_daily') }}
    {%- if is_incremental() %}
    where toStartOfMonth(date) in (select touched.cohort_month from touched)
    {%- endif %}
),

utm_source_platforms as (
    select
        utm_source,
        platform
    from {{ ref('utm_source_platforms') }}
),

first_orders as (
    select
        user_id,
        order_date,
        utm_source,
        utm_city
    from counted_orders
    where user_order_seq = 1
),

-- each buyer's acquisition: the cohort month and the three cohorts they belong to
acquisitions as (
    select
        user_id,
        toStartOfMonth(order_date) as cohort_month,
        [
            ('all', 'all'),
            ('acquisition_source', utm_source),
            ('acquisition_city', utm_city)
        ] as cohorts
    from first_orders
    {%- if is_incremental() %}
    where toStartOfMonth(order_date) in (select touched.cohort_month from touched)
    {%- endif %}
),

cohort_sizes as (
    select
        cohort_month,
        cohort.1 as dimension,
        cohort.2 as value,  -- noqa: RF04
        count() as cohort_buyers
    from acquisitions
    array join cohorts as cohort
    group by cohort_month, dimension, value
),

cohort_orders as (
    select
        acquisitions.cohort_month as cohort_month,
        acquisitions.cohorts as cohorts,
        counted_orders.user_id as user_id,
        counted_orders.revenue as revenue,
        dateDiff('month', acquisitions.cohort_month, toStartOfMonth(counted_orders.order_date))
            as month_number
    from counted_orders
    inner join acquisitions
        on counted_orders.user_id = acquisitions.user_id
),

monthly as (
    select
        cohort_month,
        cohort.1 as dimension,
        cohort.2 as value,  -- noqa: RF04
        month_number,
        uniqExact(user_id) as active_buyers,
        count() as orders,
        sum(revenue) as revenue_rub
    from cohort_orders
    array join cohorts as cohort
    group by cohort_month, dimension, value, month_number
),

-- every month number from the cohort month to the month of as_of_date, with or without orders
month_grid as (
    select
        cohort_month,
        dimension,
        value,
        cohort_buyers,
        arrayJoin(range(toUInt32(dateDiff('month', cohort_month, {{ as_of_month() }}) + 1)))
            as month_number
    from cohort_sizes
),

-- the spend each cohort is charged: all of it, its city's, or its source's platform's
spend_rows as (
    select
        toStartOfMonth(date) as cohort_month,
        'all' as dimension,
        'all' as value,  -- noqa: RF04
        spend_rub
    from ad_spend
    union all
    select
        toStartOfMonth(date) as cohort_month,
        'acquisition_city' as dimension,
        {{ segment_value('utm_city') }} as value,  -- noqa: RF04
        spend_rub
    from ad_spend
    union all
    select
        toStartOfMonth(ad_spend.date) as cohort_month,
        'acquisition_source' as dimension,
        utm_source_platforms.utm_source as value,  -- noqa: RF04
        ad_spend.spend_rub as spend_rub
    from ad_spend
    inner join utm_source_platforms
        on ad_spend.platform = utm_source_platforms.platform
),

cohort_spend as (
    select
        cohort_month,
        dimension,
        value,
        sum(spend_rub) as spend_rub
    from spend_rows
    group by cohort_month, dimension, value
),

joined as (
    select
        month_grid.cohort_month as cohort_month,
        month_grid.dimension as dimension,
        month_grid.value as value,  -- noqa: RF04
        month_grid.month_number as month_number,
        month_grid.cohort_buyers as cohort_buyers,
        coalesce(monthly.active_buyers, 0) as active_buyers,
        coalesce(monthly.orders, 0) as orders,
        coalesce(monthly.revenue_rub, 0) as revenue_rub,
        coalesce(cohort_spend.spend_rub, 0) as spend_rub
    from month_grid
    left join monthly
        on
            month_grid.cohort_month = monthly.cohort_month
            and month_grid.dimension = monthly.dimension
            and month_grid.value = monthly.value
            and month_grid.month_number = monthly.month_number
    left join cohort_spend
        on
            month_grid.cohort_month = cohort_spend.cohort_month
            and month_grid.dimension = cohort_spend.dimension
            and month_grid.value = cohort_spend.value
),

accumulated as (
    select
        *,
        sum(revenue_rub) over cohort_months as cumulative_revenue_rub
    from joined
    window cohort_months as (
        partition by cohort_month, dimension, value
        order by month_number asc
        rows between unbounded preceding and current row
    )
),

valued as (
    select
        *,
        {{ rubles_per('cumulative_revenue_rub', 'cohort_buyers') }} as ltv_rub,
        {{ rubles_per('spend_rub', 'cohort_buyers') }} as cac_rub
    from accumulated
),

-- the first month whose LTV reaches the CAC, on every row of the cohort (NULL: not yet)
paid_back as (
    select
        *,
        minIf(toNullable(month_number), ltv_rub >= cac_rub) over (
            partition by cohort_month, dimension, value
        ) as payback_month_number
    from valued
),

final as (
    select
        cast(cohort_month as Date) as cohort_month,
        cast(dimension as LowCardinality(String)) as dimension,
        cast(value as LowCardinality(String)) as value,  -- noqa: RF04
        cast(month_number as UInt16) as month_number,
        cast(cohort_buyers as UInt64) as cohort_buyers,
        cast(active_buyers as UInt64) as active_buyers,
        cast(orders as UInt64) as orders,
        cast(revenue_rub as Decimal(18, 2)) as revenue_rub,
        cast(cumulative_revenue_rub as Decimal(18, 2)) as cumulative_revenue_rub,
        cast({{ ratio('active_buyers', 'cohort_buyers') }} as Nullable(Float64)) as retention_rate,
        cast(ltv_rub as Decimal(18, 2)) as ltv_rub,
        cast(spend_rub as Decimal(18, 2)) as spend_rub,
        cast(cac_rub as Decimal(18, 2)) as cac_rub,
        cast(payback_month_number as Nullable(UInt16)) as payback_month_number
    from paid_back
)

select * from final
settings join_use_nulls = 1
