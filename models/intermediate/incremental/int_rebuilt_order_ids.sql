-- The raw order ids the incremental facts read tonight (macro read_rebuilt_orders_only):
-- the orders whose latest version belongs to a user of int_rebuilt_users and was created at
-- or after that user's rebuilt_from. Exactly those: int_orders_enriched numbers the orders it
-- is let see, so an order of the user from before rebuilt_from must stay out, and raw may
-- hold more than one version of an id (the staging dedup is there for that).
-- Empty on a full refresh and on a first build (int_changed_orders is).

with

rebuilt_users as (
    select
        user_id,
        rebuilt_from
    from {{ ref('int_rebuilt_users') }}
),

-- every order with a version that qualifies; its latest version decides
candidate_ids as (
    select distinct orders.id
    from {{ source('mysql', 'zakazy') }} as orders
    inner join rebuilt_users
        on orders.user_id = rebuilt_users.user_id
    where {{ msk_datetime('orders.created_at') }} >= rebuilt_users.rebuilt_from
),

candidate_versions as (
    select
        id,
        user_id,
        created_at,
        updated_at,
        _dlt_load_id
    from {{ source('mysql', 'zakazy') }}
    where id in (select candidate_ids.id from candidate_ids)
),

latest_versions as (
    {{ latest_version_per_id('candidate_versions') }}
)

select latest_versions.id
from latest_versions
inner join rebuilt_users
    on latest_versions.user_id = rebuilt_users.user_id
where {{ msk_datetime('latest_versions.created_at') }} >= rebuilt_users.rebuilt_from
