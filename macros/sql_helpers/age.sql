{#
    Full years from birth_date to as_of (both Date/Date32): the birthday counts once the
    calendar date is reached; a 29 February birthday is reached on 1 March in common years.
    NULL when birth_date is NULL or after as_of.
#}
{% macro full_years(birth_date, as_of) -%}
    if({{ birth_date }} <= {{ as_of }}, age('year', {{ birth_date }}, {{ as_of }}), null)
{%- endmacro %}


{# Age groups of docs/marts.md (dim_users.age_group); NULL age -> 'unknown'. #}
{% macro age_group(age) -%}
    multiIf(
        {{ age }} is null, 'unknown',
        {{ age }} < 18, '<18',
        {{ age }} < 25, '18-24',
        {{ age }} < 35, '25-34',
        {{ age }} < 45, '35-44',
        {{ age }} < 55, '45-54',
        '55+'
    )
{%- endmacro %}


{#
    The shop's self-reported birthday (raw text 'YYYY-MM-DD', '0000-00-00' or NULL) as a
    Nullable(Date32) when it is a real calendar date (strict: '1990-02-30' and the zero date
    are rejected), its year is >= 1900 and it is not after as_of_date(); else NULL.
    Date32, not Date: Date starts in 1970.
#}
{% macro shop_birth_date(birthday) -%}
    if(
        match(assumeNotNull({{ birthday }}), '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
        and toString(toDate32OrNull({{ birthday }})) = {{ birthday }}
        and toYear(toDate32OrNull({{ birthday }})) >= 1900
        and toDate32OrNull({{ birthday }}) <= {{ as_of_date() }},
        toDate32OrNull({{ birthday }}),
        null
    )
{%- endmacro %}
