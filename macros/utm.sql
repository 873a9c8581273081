{#
    UTM-city parsing (marts.md, "UTM-city parsing"), shared by orders and ads.

    Step 1, normalize_utm_content(utm_content): URL-decode (decodeURLComponent:
    '%D0%BD%D0%BD_20_08' -> 'нн_20_08'; text without escapes is unchanged), trim, lowercase
    (UTF-8 aware). Step 2, on that normalized value: it must match `<code>_<d>_<m>` exactly,
    <code> = one or more Latin or Cyrillic letters, <d>/<m> = 1-2 digits, with 1 <= d <= 31
    and 1 <= m <= 12; otherwise utm_city, utm_day and utm_month are all NULL. utm_city is the
    seed `city_codes` city of <code>, NULL for an unknown code (day and month are still
    returned then: 'tver_01_02' -> (NULL, 1, 2)).

    Usage: one CTE computes `{{ normalize_utm_content('utm_content') }} as utm_content_normalized`,
    the next one calls utm_city / utm_day / utm_month with 'utm_content_normalized'.
#}

{% macro normalize_utm_content(utm_content) -%}
    lowerUTF8({{ trim_text('decodeURLComponent(' ~ utm_content ~ ')') }})
{%- endmacro %}


{% macro utm_is_valid(normalized) -%}
    (
        coalesce(match({{ normalized }}, '^[a-zа-яё]+_[0-9]{1,2}_[0-9]{1,2}$'), false)
        and toUInt8OrZero(splitByChar('_', assumeNotNull({{ normalized }}))[2]) between 1 and 31
        and toUInt8OrZero(splitByChar('_', assumeNotNull({{ normalized }}))[3]) between 1 and 12
    )
{%- endmacro %}


{# Nullable(UInt8) #}
{% macro utm_day(normalized) -%}
    if({{ utm_is_valid(normalized) }}, toUInt8(splitByChar('_', assumeNotNull({{ normalized }}))[2]), null)
{%- endmacro %}


{# Nullable(UInt8) #}
{% macro utm_month(normalized) -%}
    if({{ utm_is_valid(normalized) }}, toUInt8(splitByChar('_', assumeNotNull({{ normalized }}))[3]), null)
{%- endmacro %}


{#
    Nullable(String): the code looked up in the seed `city_codes` (two uncorrelated scalar
    subqueries, evaluated once per query; the ref makes the seed a parent of the caller).
#}
{% macro utm_city(normalized) -%}
    if(
        {{ utm_is_valid(normalized) }},
        nullIf(
            transform(
                splitByChar('_', assumeNotNull({{ normalized }}))[1],
                (select groupArray(code) from {{ ref('city_codes') }}),
                (select groupArray(city) from {{ ref('city_codes') }}),
                ''
            ),
            ''
        ),
        null
    )
{%- endmacro %}
