-- The raw order ids the incremental facts read tonight (macro read_rebuilt_orders_only):
-- every order with a version, in raw, of a user whose orders fct_orders rebuilds
-- (int_changed_orders). All versions of an id are read, so the staging dedup still finds its
-- latest; the facts keep the orders whose latest version has such a user.
-- Empty on a full refresh and on a first build (int_changed_orders is).
{{ config(materialized='table') }}

select distinct orders.id
from {{ source('mysql', 'zakazy') }} as orders
where orders.user_id in (select changed.user_id from {{ ref('int_changed_orders') }} as changed)
