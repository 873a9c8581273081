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

-- PLACEHOLDER until the VK loader lands (VK issue): no VK profiles yet, so every VK field
-- is NULL and has_vk_profile is false. Replace this CTE with the latest usable VK profile
-- per user (deactivated profiles excluded), keeping these column names and types:
--   vk_sex 1 female / 2 male; vk_birth_date from a bdate with a year (D.M.YYYY);
--   vk_city = lowercase city.title; vk_profession = latest career position, else the
--   occupation type mapped to 'работает' / 'студент' / 'школьник'.
vk_profiles_placeholder as (
    select
        user_id,
        cast(null as Nullable(UInt8)) as vk_sex,
        cast(null as Nullable(Date32)) as vk_birth_date,
        cast(null as Nullable(String)) as vk_city,
        cast(null as Nullable(String)) as vk_profession,
        false as has_vk_profile
    from users
),

profile_sources as (
    select
        users.user_id as user_id,
        users.vk_id as vk_id,
        users.created_at as created_at,
        users.gender as shop_gender,
        {{ shop_birth_date('users.birthday_text') }} as shop_birth_date,
        vk_profiles_placeholder.vk_sex as vk_sex,
        vk_profiles_placeholder.vk_birth_date as vk_birth_date,
        vk_profiles_placeholder.vk_city as vk_city,
        vk_profiles_placeholder.vk_profession as vk_profession,
        coalesce(vk_profiles_placeholder.has_vk_profile, false) as has_vk_profile
    from users
    left join vk_profiles_placeholder
        on users.user_id = vk_profiles_placeholder.user_id
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
