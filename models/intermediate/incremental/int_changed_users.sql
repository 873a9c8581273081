-- sqlfluff:indentation:template_blocks_indent:False
-- The users whose dim_users rows this night may change, and the segments they move between.
-- dimension = '' : rebuild the user's dim_users row (the user's row was loaded after the
-- watermark, one of their orders changed, or any profile column differs from the published
-- dim_users: a VK field, or the age as as_of_date advances).
-- dimension = a user segment of the var segment_dimensions: that segment's value differs from
-- the published dim_users, so all of the user's orders move in that dimension in every period.
-- A failed night's rows are carried over (carried_changes). Empty on a full refresh and on a first build.

{%- set published_users = load_relation(source('published_marts', 'dim_users')) %}
{%- set user_segments = user_segment_dimensions() %}
{%- set profile_columns = ['sex', 'age', 'age_group', 'city', 'profession', 'has_vk_profile'] %}
{#- what is compared, tonight's row with the published one: the user's segments, and the text of
    every profile column (the two sides' types differ slightly) #}
{%- set compared_columns = ['user_id'] + (user_segments | map(attribute='column') | list)
    + ['toString(tuple(' ~ profile_columns | join(', ') ~ ')) as profile_text'] %}

with

profiles as (
    select
        {{ compared_columns | join(',\n        ') }}
    from {{ ref('int_users_profiled') }}
),

{%- if published_users is not none %}

published as (
    select
        {{ compared_columns | join(',\n        ') }}
    from {{ published_users }}
),

compared as (
    select
        profiles.user_id as user_id,
        published.user_id = 0 or profiles.profile_text != published.profile_text as profile_changed,
        [
            ''
            {%- for item in user_segments %},
            if(
                published.user_id = 0
                or {{ segment_value('profiles.' ~ item.column) }}
                != {{ segment_value('published.' ~ item.column) }},
                '{{ item.dimension }}',
                ''
            )
            {%- endfor %}
        ] as changed_dimensions
    from profiles
    left join published
        on profiles.user_id = published.user_id
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
    {%- if published_users is not none %}
    union all
    select
        user_id,
        dimension
    from compared
    array join changed_dimensions as dimension
    where profile_changed
    {%- else %}
    -- no dim_users published yet: every user and segment is new
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
    {{ night_watermark() }} as since_loaded_through
from changed
{%- if flags.FULL_REFRESH or not incremental_marts_built() %}
where false
{%- endif %}
