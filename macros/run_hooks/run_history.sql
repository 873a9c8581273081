{#
    The run history that `make nightly` (ops/nightly.py) writes after every run, in the
    database `ops`: one row per run, per source load, per freshness check and per failed or
    warning node. The staging models of models/staging/ops read it, the data-health marts
    show it to DataLens.

    create_run_history_tables() runs as an on-run-start hook, so the tables exist before any
    model reads them, on a fresh warehouse too. It only creates what is missing: the rows are
    never touched by dbt. On a cluster they are created on every host, replicated.
#}
{% macro run_history_ddl() -%}
    {%- set ts = "DateTime64(3, 'UTC')" -%}
    {%- set on_cluster = on_cluster_ddl() -%}
    {%- set engine = replicated_engine('MergeTree') -%}
    {{ return([
        "create database if not exists ops" ~ on_cluster,
        "create table if not exists ops.run_history" ~ on_cluster ~ " (
            run_id String, started_at " ~ ts ~ ", ended_at Nullable(" ~ ts ~ "),
            status LowCardinality(String), failed_steps Array(String), error String,
            models_ok UInt32, models_failed UInt32, tests_passed UInt32, tests_warned UInt32,
            tests_failed UInt32, skipped UInt32, stale_tables UInt32, published Array(String),
            load_seconds Float64, build_seconds Float64
        ) engine = " ~ engine ~ " order by started_at",
        "create table if not exists ops.run_sources" ~ on_cluster ~ " (
            run_id String, started_at " ~ ts ~ ", source LowCardinality(String),
            status LowCardinality(String), rows_loaded UInt64, seconds Float64, error String,
            table_rows Map(String, UInt64)
        ) engine = " ~ engine ~ " order by (source, started_at)",
        "create table if not exists ops.run_freshness" ~ on_cluster ~ " (
            run_id String, checked_at " ~ ts ~ ", source LowCardinality(String),
            table_name String, status LowCardinality(String),
            max_loaded_at Nullable(" ~ ts ~ "), warn_after_seconds Nullable(Float64),
            error_after_seconds Nullable(Float64), error String
        ) engine = " ~ engine ~ " order by (source, table_name, checked_at)",
        "create table if not exists ops.run_failures" ~ on_cluster ~ " (
            run_id String, started_at " ~ ts ~ ", step LowCardinality(String),
            kind LowCardinality(String), name String, status LowCardinality(String),
            message String
        ) engine = " ~ engine ~ " order by (started_at, step, name)",
    ]) }}
{%- endmacro %}


{% macro create_run_history_tables() -%}
    {%- if execute -%}
        {%- for statement in run_history_ddl() -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
