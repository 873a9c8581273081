-- sqlfluff:indentation:template_blocks_indent:False
-- The users whose fct_orders rows a night rebuilds, each from `rebuilt_from`: the earliest
-- created_at of any version of their changed orders (int_changed_orders, old and new). A
-- change moves the user_order_seq of that order and of the user's later orders only; the
-- user's counted orders before it keep their rows and numbers, and `earlier_orders` counts
-- them (in the built fct_orders), so the rebuilt ones are numbered on from there.
-- Empty on a full refresh and on a first build (int_changed_orders is).

{%- set built_orders = built_mart_relation('fct_orders') %}

with

rebuilt_users as (
    select
        user_id,
        min(created_at) as rebuilt_from
    from {{ ref('int_changed_orders') }}
    group by user_id
),

earlier_orders as (
    {%- if built_orders is none %}
    select
        toUInt32(0) as user_id,
        toUInt64(0) as earlier_count
    where false
    {%- else %}
    select
        built.user_id,
        count() as earlier_count
    from {{ built_orders }} as built
    inner join rebuilt_users
        on built.user_id = rebuilt_users.user_id
    where built.created_at < rebuilt_users.rebuilt_from
    group by built.user_id
    {%- endif %}
)

select
    rebuilt_users.user_id,
    rebuilt_users.rebuilt_from,
    coalesce(earlier_orders.earlier_count, 0) as earlier_orders
from rebuilt_users
left join earlier_orders
    on rebuilt_users.user_id = earlier_orders.user_id
settings join_use_nulls = 1
