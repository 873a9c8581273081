-- The raw order-line ids the incremental facts read tonight (macro read_rebuilt_orders_only):
-- every line with a version, in raw, in an order of int_rebuilt_order_ids, all its versions
-- (a line is deduplicated by its own id, so the order of its latest version decides).

select distinct order_lines.id
from {{ source('mysql', 'zakazy_tovary') }} as order_lines
where order_lines.zakaz_id in (select rebuilt.id from {{ ref('int_rebuilt_order_ids') }} as rebuilt)
