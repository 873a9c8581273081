{#
    UTM-city parsing, the one rule for order tags and ad landing URLs alike
    (docs/marts.md, "UTM-city parsing"): int_orders_enriched and int_ad_daily_unioned both
    call with_utm_city().

    with_utm_city(relation): every column of `relation`, plus utm_day and utm_month, the parts
    of its utm_content when that is `<code>_<d>_<m>` (utm_content_parts), and utm_city, the
    code's city in the seed city_codes. An unknown code keeps its day and month
    ('tver_01_02' -> NULL, 1, 2); anything else gives three NULLs. The working columns
    utm_parts and utm_code come along for the caller to leave out. Used as a CTE body:

        utm_parsed as ({{ with_utm_city('sequenced') }}),

    The caller's query runs with `settings join_use_nulls = 1` (as every model here that
    left-joins), so that no city is NULL, not ''.
#}
{% macro with_utm_city(relation) -%}
    select
        utm_parsed.*,
        city_codes.city as utm_city
    from (
        select
            *,
            {{ utm_content_parts('utm_content') }} as utm_parts,
            nullIf(utm_parts[1], '') as utm_code,
            toUInt8OrNull(utm_parts[2]) as utm_day,
            toUInt8OrNull(utm_parts[3]) as utm_month
        from {{ relation }}
    ) as utm_parsed
    left join {{ ref('city_codes') }} as city_codes
        on utm_parsed.utm_code = city_codes.code
{%- endmacro %}


{#
    utm_content_parts(utm_content) -> Array(String): [code, d, m] when the value, URL-decoded
    ('%D0%BD%D0%BD_20_08' -> 'нн_20_08'), trimmed and lowercased (UTF-8 aware), is exactly
    `<code>_<d>_<m>`: <code> one or more Latin or Cyrillic letters, <d> a day 1-31 and <m> a
    month 1-12, each one or two digits ('msk_01_10', 'кзн_9_1'). Anything else, NULL
    included, gives [] (so day, month and city are all NULL together).
#}
{% macro utm_content_parts(utm_content) -%}
    {%- set code = '[a-zа-яё]+' -%}
    {%- set day = '0?[1-9]|[12][0-9]|3[01]' -%}
    {%- set month = '0?[1-9]|1[0-2]' -%}
    extractGroups(
        coalesce({{ normalize_utm_content(utm_content) }}, ''),
        '^({{ code }})_({{ day }})_({{ month }})$'
    )
{%- endmacro %}


{# URL-decoded (text without escapes is unchanged), trimmed, lowercased; NULL stays NULL. #}
{% macro normalize_utm_content(utm_content) -%}
    lowerUTF8({{ trim_text('decodeURLComponent(' ~ utm_content ~ ')') }})
{%- endmacro %}


{#
    The utm_* columns of the orders and the ads, in the marts' types (fct_orders, mart_ad_daily),
    from the intermediate models on.
#}
{% macro utm_columns() -%}
    cast(utm_source as Nullable(String)) as utm_source,
    cast(utm_medium as Nullable(String)) as utm_medium,
    cast(utm_campaign as Nullable(String)) as utm_campaign,
    cast(utm_content as Nullable(String)) as utm_content,
    cast(utm_city as Nullable(String)) as utm_city,
    cast(utm_day as Nullable(UInt8)) as utm_day,
    cast(utm_month as Nullable(UInt8)) as utm_month
{%- endmacro %}
