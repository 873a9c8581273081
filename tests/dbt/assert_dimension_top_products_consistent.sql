-- mart_dimension_top_products against mart_dimension_metrics: every top-product row belongs
-- to a metrics row; within a metrics row the ranks are 1..n without gaps and follow revenue
-- descending, then product_id ascending; the top products' revenue is at most the segment's
-- revenue. Returns the offending rows.
with

top_products as (
    select
        period_grain,
        period_start,
        dimension,
        dimension_value,
        rank,
        product_id,
        revenue
    from {{ ref('mart_dimension_top_products') }}
),

metrics as (
    select
        period_grain,
        period_start,
        dimension,
        dimension_value,
        revenue
    from {{ ref('mart_dimension_metrics') }}
),

per_segment as (
    select
        period_grain,
        period_start,
        dimension,
        dimension_value,
        count() as products,
        max(rank) as max_rank,
        sum(revenue) as top_revenue,
        -- (revenue, product_id) in rank order: each must come strictly before the next
        arrayMap(
            (ranked) -> (ranked.2, ranked.3),
            arraySort(groupArray((rank, revenue, product_id)))
        ) as ranked_products,
        arrayAll(
            (higher, lower) -> higher.1 > lower.1 or (higher.1 = lower.1 and higher.2 < lower.2),
            arrayPopBack(ranked_products),
            arrayPopFront(ranked_products)
        ) as is_ordered
    from top_products
    group by
        period_grain,
        period_start,
        dimension,
        dimension_value
),

compared as (
    select
        per_segment.period_grain as period_grain,
        per_segment.period_start as period_start,
        per_segment.dimension as dimension,
        per_segment.dimension_value as dimension_value,
        per_segment.products as products,
        per_segment.max_rank as max_rank,
        per_segment.top_revenue as top_revenue,
        per_segment.is_ordered as is_ordered,
        metrics.revenue as segment_revenue
    from per_segment
    left join metrics
        on
            per_segment.period_grain = metrics.period_grain
            and per_segment.period_start = metrics.period_start
            and per_segment.dimension = metrics.dimension
            and per_segment.dimension_value = metrics.dimension_value
    settings join_use_nulls = 1
)

select *
from compared
where
    segment_revenue is null
    or max_rank != products
    or top_revenue > segment_revenue
    or not is_ordered
