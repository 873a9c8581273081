-- Every shop user with the profile fields of dim_users: VK profile fields first, shop
-- fields as the fallback (docs/marts.md, dim_users). One row per user.
with

users as (
    select
        user_id,
        vk_id,
        gender,
        birthday_text,
        created_at
    from {{ ref('stg_mysql__users') }}
),

vk_profiles as (
    select
        vk_id,
        sex,
        bdate,
        city_title,
        occupation_type,
        career_json
    from {{ ref('stg_vk__users') }}
    -- the newest outcome per vk_id; deactivated and dropped ids are not usable
    where is_usable
),

-- The VK fields of every user whose current vk_id has a usable profile (docs/marts.md):
--   vk_sex 1 female / 2 male; vk_birth_date from a bdate with a year (D.M.YYYY);
--   vk_city = lowercase city.title; vk_profession = latest career position, else the
--   occupation type mapped to 'работает' / 'студент' / 'школьник'.
vk_profile_fields as (
    select
        users.user_id as user_id,
        cast(vk_profiles.sex as Nullable(UInt8)) as vk_sex,
        cast({{ vk_birth_date('vk_profiles.bdate') }} as Nullable(Date32)) as vk_birth_date,
        cast({{ clean_category('vk_profiles.city_title') }} as Nullable(String)) as vk_city,
        cast(
            coalesce(
                {{ vk_career_position('vk_profiles.career_json') }},
                {{ vk_occupation_profession('vk_profiles.occupation_type') }}
            ) as Nullable(String)
        ) as vk_profession,
        true as has_vk_profile
    from users
    inner join vk_profiles
        on users.vk_id = vk_profiles.vk_id
),

profile_sources as (
    select
        users.user_id as user_id,
        users.vk_id as vk_id,
        users.created_at as created_at,
        users.gender as shop_gender,
        {{ shop_birth_date('users.birthday_text') }} as shop_birth_date,
        vk_profile_fields.vk_sex as vk_sex,
        vk_profile_fields.vk_birth_date as vk_birth_date,
        vk_profile_fields.vk_city as vk_city,
        vk_profile_fields.vk_profession as vk_profession,
        coalesce(vk_profile_fields.has_vk_profile, false) as has_vk_profile
    from users
    left join vk_profile_fields
        on users.user_id = vk_profile_fields.user_id
),

profiled as (
    select
        user_id,
        vk_id,
        created_at,
        multiIf(
            vk_sex = 1, 'female',
            vk_sex = 2, 'male',
            shop_gender = 'f', 'female',
            shop_gender = 'm', 'male',
            'unknown'
        ) as sex,
        coalesce(vk_birth_date, shop_birth_date) as birth_date,
        {{ full_years('birth_date', as_of_date()) }} as age,
        {{ age_group('age') }} as age_group,
        coalesce(vk_city, 'unknown') as city,
        coalesce(vk_profession, 'unknown') as profession,
        has_vk_profile
    from profile_sources
)

select * from profiled
settings join_use_nulls = 1
