{#
    Segment metrics (docs/marts.md: mart_dimension_metrics, mart_dimension_top_products).

    The segments ("dimensions") are the dbt var `segment_dimensions` in dbt_project.yml, one
    line each: {dimension: <name>, model: dim_users | fct_orders, column: <column of that mart>}.
    dim_users segments take the user's current value, fct_orders segments the order's own
    value. 'all' / 'all' is always there and is not listed.
#}


{# The validated list of segment dimensions (a compile error names the bad line). #}
{% macro segment_dimensions() -%}
    {%- set dimensions = var('segment_dimensions', []) or [] -%}
    {%- set seen = [] -%}
    {%- for item in dimensions -%}
        {%- if item is not mapping or item.get('dimension') is none or item.get('column') is none
            or item.get('model') not in ('dim_users', 'fct_orders') -%}
            {{ exceptions.raise_compiler_error(
                "var segment_dimensions: every line needs dimension, model (dim_users or fct_orders) "
                ~ "and column; got " ~ item) }}
        {%- endif -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*$', item.dimension) or item.dimension == 'all'
            or item.dimension in seen -%}
            {{ exceptions.raise_compiler_error(
                "var segment_dimensions: dimension names are unique lowercase identifiers other "
                ~ "than 'all'; got '" ~ item.dimension ~ "'") }}
        {%- endif -%}
        {%- do seen.append(item.dimension) -%}
    {%- endfor -%}
    {{ return(dimensions) }}
{%- endmacro %}


{# The user segments (model dim_users): the user's current value, so a change moves all their orders. #}
{% macro user_segment_dimensions() -%}
    {{ return(segment_dimensions() | selectattr('model', 'equalto', 'dim_users') | list) }}
{%- endmacro %}


{#
    The column list of an import CTE over `model` (dim_users or fct_orders): the model's
    columns of its segments, each aliased segment_<dimension>, one per line with a leading comma.
#}
{% macro segment_columns(model) -%}
    {%- for item in segment_dimensions() if item.model == model %},
        {{ item.column }} as segment_{{ item.dimension }}
    {%- endfor -%}
{%- endmacro %}


{#
    Array(Tuple(dimension, dimension_value)): ('all', 'all') and one tuple per segment; the
    orders CTE is `orders_alias`, the users CTE `users_alias` (both from segment_columns).
#}
{% macro segments_array(orders_alias, users_alias) -%}
    [
            ('all', 'all')
    {%- for item in segment_dimensions() %},
            ('{{ item.dimension }}', {{ segment_value(
                (users_alias if item.model == 'dim_users' else orders_alias) ~ '.segment_' ~ item.dimension) }})
    {%- endfor %}
        ]
{%- endmacro %}


{# A segment value as text: lowercase, trimmed, 'unknown' for NULL or empty (any column type). #}
{% macro segment_value(column) -%}
    coalesce({{ clean_category('toString(' ~ column ~ ')') }}, 'unknown')
{%- endmacro %}


{#
    ARRAY JOIN list giving each row of a dated CTE its three periods: period_grain 'day',
    'week' (ISO, Monday start) and 'month', and period_start, the first day of that period.
#}
{% macro period_grains(date_column) -%}
    ['day', 'week', 'month'] as period_grain,
        [{{ date_column }}, toMonday({{ date_column }}), toStartOfMonth({{ date_column }})] as period_start
{%- endmacro %}


{# The last day of the period of `grain` starting at `period_start`. #}
{% macro period_end(grain, period_start) -%}
    multiIf(
        {{ grain }} = 'day', {{ period_start }},
        {{ grain }} = 'week', {{ period_start }} + 6,
        toLastDayOfMonth({{ period_start }})
    )
{%- endmacro %}


{#
    The months whose days the periods of `periods` (a CTE or relation with period_grain and
    period_start) cover, by their first day: a week can straddle two.
#}
{% macro months_of_periods(periods) -%}
    select distinct
        arrayJoin([
            toStartOfMonth(period_start),
            toStartOfMonth({{ period_end('period_grain', 'period_start') }})
        ]) as month_start
    from {{ periods }}
{%- endmacro %}


{# A segment mart row's key (period_grain, period_start, dimension) is one of the CTE `keys`'. #}
{% macro segment_key_in(keys) -%}
    (period_grain, period_start, dimension)
    in (select tuple({{ keys }}.period_grain, {{ keys }}.period_start, {{ keys }}.dimension) as segment_key from {{ keys }})
{%- endmacro %}


{#
    Consecutive numbers for consecutive periods of one grain (days, ISO weeks or months since
    1970): the calendar-previous period of number n is n - 1, whether it had orders or not.
#}
{% macro period_number(grain, period_start) -%}
    multiIf(
        {{ grain }} = 'day', toRelativeDayNum({{ period_start }}),
        {{ grain }} = 'week', toRelativeWeekNum({{ period_start }}),
        toRelativeMonthNum({{ period_start }})
    )
{%- endmacro %}
