{#
    UTM-city parsing, the one rule for order tags and ad landing URLs alike
    (docs/marts.md, "UTM-city parsing").

    utm_content_parts(utm_content) -> Array(String): [code, d, m] when the value, URL-decoded
    ('%D0%BD%D0%BD_20_08' -> 'нн_20_08'), trimmed and lowercased (UTF-8 aware), is exactly
    `<code>_<d>_<m>`: <code> one or more Latin or Cyrillic letters, <d> a day 1-31 and <m> a
    month 1-12, each one or two digits ('msk_01_10', 'кзн_9_1'). Anything else, NULL
    included, gives [] (so day, month and city are all NULL together).

    The caller turns the parts into columns and looks the code up in the seed `city_codes`
    with a left join, in its own CTEs (models/intermediate/int_orders_enriched.sql):

        utm_split as (select *, {{ utm_content_parts('utm_content') }} as utm_parts from ...),
        utm_parsed as (
            select *,
                nullIf(utm_parts[1], '') as utm_code,
                toUInt8OrNull(utm_parts[2]) as utm_day,
                toUInt8OrNull(utm_parts[3]) as utm_month
            from utm_split
        ),
        ... left join city_codes on utm_parsed.utm_code = city_codes.code  -- city: utm_city
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
