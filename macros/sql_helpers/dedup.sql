{#
    The latest version of every row of a raw table: raw keeps each version a load wrote, and
    staging shows one row per key. The latest is the one with the greatest `updated_at`, then
    the latest dlt load (several versions can share one updated_at); a table without
    updated_at passes updated_at=none and the latest load wins. `id` is the key column, or a
    list of them (an ad platform's statistics row is one ad on one day).

    Usage, as the whole body of a staging model's `deduplicated` CTE:
        deduplicated as ({{ latest_version_per_id('source') }}),
#}
{% macro latest_version_per_id(relation, id='id', updated_at='updated_at') -%}
    {%- set keys = [id] if id is string else id -%}
    select *
    from {{ relation }}
    order by
        {%- for key in keys %} {{ key }} asc,{% endfor %}
        {%- if updated_at %} {{ updated_at }} desc,{% endif %} {{ dlt_load_id('_dlt_load_id') }} desc
    limit 1 by {{ keys | join(', ') }}
{%- endmacro %}
