-- sqlfluff:indentation:template_blocks_indent:False
-- The users whose dim_users rows this night may change, and the segments they move between.
-- dimension = '' : rebuild the user's dim_users row (the user's row was loaded after the
-- watermark, one of their orders changed, or any profile column differs from the built
-- dim_users: a VK field, or the age as as_of_date advances).
-- dimension = a user segment of the var segment_dimensions: that segment's value differs from
-- the built dim_users, so all of the user's orders move in that dimension in every period.
-- A failed night's rows are carried over (carried_changes). Empty on a full refresh and on a first build.

{%- set built_users = built_mart_relation('dim_users') %}
{%- set user_segments = segment_dimensions() | selectattr('model', 'equalto', 'dim_users') | list %}
{%- set profile_columns = [
    'vk_id', 'created_at', 'sex', 'birth_date', 'age', 'age_group', 'city', 'profession',
    'has_vk_profile'] %}

with

watermark as (
    select previous_loaded_through
    from {{ ref('int_load_watermark') }}
),

profiles as (
    select
        user_id,
        {%- for item in user_segments %}
        {{ item.column }},
        {%- endfor %}
        -- text of every profile column, compared with the built row's (types differ slightly)
        toString(tuple({{ profile_columns | join(', ') }})) as profile_text
    from {{ ref('int_users_profiled') }}
),

{%- if built_users is not none %}

built as (
    select
        user_id,
        {%- for item in user_segments %}
        {{ item.column }},
        {%- endfor %}
        toString(tuple({{ profile_columns | join(', ') }})) as profile_text
    from {{ built_users }}
),

compared as (
    select
        profiles.user_id as user_id,
        built.user_id = 0 or profiles.profile_text != built.profile_text as profile_changed,
        [
            ''
            {%- for item in user_segments %},
            if(
                built.user_id = 0
                or {{ segment_value('profiles.' ~ item.column) }}
                != {{ segment_value('built.' ~ item.column) }},
                '{{ item.dimension }}',
                ''
            )
            {%- endfor %}
        ] as changed_dimensions
    from profiles
    left join built
        on profiles.user_id = built.user_id
),

{%- endif %}

changed as (
    select
        cast(id as UInt32) as user_id,
        '' as dimension
    from {{ source('mysql', 'users') }}
    where {{ changed_since_watermark() }}
    union all
    select
        user_id,
        '' as dimension
    from {{ ref('int_changed_orders') }}
    {%- if built_users is not none %}
    union all
    select
        user_id,
        dimension
    from compared
    array join changed_dimensions as dimension
    where profile_changed
    {%- else %}
    -- no dim_users built yet: every user and segment is new
    union all
    select
        user_id,
        dimension
    from profiles
    array join ['' {%- for item in user_segments %}, '{{ item.dimension }}'{% endfor %}] as dimension  -- noqa: LT05
    {%- endif %}
    {{ carried_changes(['user_id', 'dimension']) }}
)

select distinct
    user_id,
    dimension,
    (select watermark.previous_loaded_through from watermark) as since_loaded_through
from changed
{%- if flags.FULL_REFRESH or not incremental_marts_built() %}
where false
{%- endif %}
