-- One row per successful build: the newest dlt load id the marts were built from. The next
-- night rebuilds what was loaded after it (macros/incremental.sql). Built last (it depends on
-- every incremental mart), so a night whose mart or test fails keeps the old watermark; it is
-- built aside and published with the marts.
-- depends_on: {{ ref('fct_orders') }}
-- depends_on: {{ ref('fct_order_items') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('mart_dimension_metrics') }}
-- depends_on: {{ ref('mart_dimension_top_products') }}
-- depends_on: {{ ref('mart_ad_daily') }}
-- depends_on: {{ ref('mart_romi_city_daily') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    order_by=['built_at']
) }}

select
    cast(loaded_through as Nullable(Decimal(18, 6))) as loaded_through,
    cast(now() as DateTime('UTC')) as built_at
from {{ ref('int_load_watermark') }}
