{#
    dlt lands MySQL DATETIME (Moscow wall-clock time, stored without a zone) as
    DateTime64(6, 'UTC') holding that wall-clock value as if it were UTC. Re-read the same
    wall-clock value in Europe/Moscow: the result is the real instant, typed
    DateTime('Europe/Moscow') (second precision, as in MySQL). NULL stays NULL. Built from the
    value's parts, never through text (ClickHouse before 26.x cannot parse DateTime64 text, its
    fraction, as a DateTime). The freshness of source mysql spells the same expression out
    (models/staging/mysql/_mysql__sources.yml: YAML cannot call a macro).
#}
{% macro msk_datetime(column) -%}
    makeDateTime(
        toYear({{ column }}), toMonth({{ column }}), toDayOfMonth({{ column }}),
        toHour({{ column }}), toMinute({{ column }}), toSecond({{ column }}), 'Europe/Moscow'
    )
{%- endmacro %}


{#
    "Today" for ages (docs/marts.md, conventions): the dbt var `as_of_date` ('YYYY-MM-DD')
    when set, else today's date in Moscow. Returns a Date expression.
#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', '') | string | trim -%}
    {%- if value -%}
        toDate('{{ value }}')
    {%- else -%}
        toDate(now(), 'Europe/Moscow')
    {%- endif -%}
{%- endmacro %}


{# The load id of dlt ('1763880000.123456', unix seconds) as a number that compares correctly. #}
{% macro dlt_load_id(column) -%}
    toDecimal64({{ column }}, 6)
{%- endmacro %}


{# The first day of the month of as_of_date: the last month the cohort marts show. #}
{% macro as_of_month() -%}
    toStartOfMonth({{ as_of_date() }})
{%- endmacro %}
