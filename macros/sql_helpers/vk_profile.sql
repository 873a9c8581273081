{#
    VK bdate 'D.M.YYYY' as a Nullable(Date32) when it is a real calendar date, its year is
    >= 1900 and it is not after as_of_date() (the same sanity as the shop birthday, so that
    age is never NULL beside a birth_date); 'D.M' (year hidden), NULL or anything else give
    NULL, and dim_users falls back to the shop birthday.
#}
{% macro vk_birth_date(bdate) -%}
    {%- set iso -%}
        concat(
            splitByChar('.', assumeNotNull({{ bdate }}))[3], '-',
            leftPad(splitByChar('.', assumeNotNull({{ bdate }}))[2], 2, '0'), '-',
            leftPad(splitByChar('.', assumeNotNull({{ bdate }}))[1], 2, '0')
        )
    {%- endset -%}
    if(
        match(assumeNotNull({{ bdate }}), '^[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}$')
        and toString(toDate32OrNull({{ iso }})) = {{ iso }}
        and toYear(toDate32OrNull({{ iso }})) >= 1900
        and toDate32OrNull({{ iso }}) <= {{ as_of_date() }},
        toDate32OrNull({{ iso }}),
        null
    )
{%- endmacro %}


{#
    The position of the latest VK career entry that has one (docs/marts.md): entries are ranked
    by `from` (an entry with `from` ranks above one without), then by their place in VK's
    list (later wins: VK lists careers oldest first). Positions are trimmed and lowercased;
    an empty or missing position does not count. NULL when no entry has a position.
#}
{% macro vk_career_position(career_json) -%}
    nullIf(
        arraySort(
            entry -> (entry.1 is not null, ifNull(entry.1, 0), entry.3),
            arrayFilter(
                entry -> entry.2 != '',
                arrayMap(
                    (raw, place) -> (
                        JSONExtract(raw, 'from', 'Nullable(Int64)'),
                        lowerUTF8({{ trim_text("JSONExtractString(raw, 'position')") }}),
                        place
                    ),
                    JSONExtractArrayRaw(ifNull({{ career_json }}, '[]')),
                    arrayEnumerate(JSONExtractArrayRaw(ifNull({{ career_json }}, '[]')))
                )
            )
        )[-1].2,
        ''
    )
{%- endmacro %}


{# VK occupation.type as a profession: work, university, school; NULL for anything else. #}
{% macro vk_occupation_profession(occupation_type) -%}
    multiIf(
        {{ occupation_type }} = 'work', 'работает',
        {{ occupation_type }} = 'university', 'студент',
        {{ occupation_type }} = 'school', 'школьник',
        null
    )
{%- endmacro %}
