{#
    Read-only access for Yandex DataLens (docs/datalens.md): the role
    var('datalens_role') with SELECT on the marts database only, and the login user
    var('datalens_user') that has only that role, read-only settings and marts as its default
    database. The user is created only when the environment variable DATALENS_PASSWORD is set
    (never stored anywhere else); without it the role and its grant are still applied.

    grant_datalens_access() runs as the project's on-run-end hook. On the embedded warehouse
    (chDB, WAREHOUSE_URL chdb:...) it only logs one line: chDB runs as a fixed `default` user
    with no writable access storage, so CREATE ROLE / CREATE USER cannot succeed there.
    `dbt run-operation print_datalens_access` prints the statements for any target, with the
    password masked.
#}


{#
    True when the target is the embedded warehouse: adapter type chdb with a chdb: URL. The
    adapter keeps its url out of `target` (it may hold a password), so this reads the variable
    the profile builds it from, WAREHOUSE_URL, with the profile's default.
#}
{% macro is_embedded_warehouse() -%}
    {{ return(target.type == 'chdb' and env_var('WAREHOUSE_URL', 'chdb:warehouse').startswith('chdb:')) }}
{%- endmacro %}


{#
    The statements, in order. `password` is the plain DataLens password ('' or none: no user
    statements); ClickHouse stores only its SHA-256 (sha256_password).
    WITH REPLACE OPTION makes each run reset the grants to exactly these: a privilege added to
    the role or the user by hand is revoked.
#}
{% macro datalens_access_statements(password='') -%}
    {%- set role = var('datalens_role', 'datalens') -%}
    {%- set user = var('datalens_user', 'datalens_user') -%}
    {%- set marts = generate_schema_name('marts', none) -%}
    {%- set cluster = adapter.get_clickhouse_cluster_name() if execute else none -%}
    {%- set on_cluster = ' on cluster ' ~ cluster if cluster else '' -%}
    {%- set statements = [
        'create role if not exists ' ~ role ~ on_cluster,
        'grant' ~ on_cluster ~ ' select on ' ~ marts ~ '.* to ' ~ role ~ ' with replace option',
    ] -%}
    {%- if password -%}
        {%- set quoted = "'" ~ (password | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'" -%}
        {%- do statements.append(
            'create user if not exists ' ~ user ~ on_cluster ~ ' identified with sha256_password by '
            ~ quoted ~ ' default database ' ~ marts ~ ' settings readonly = 2') -%}
        {%- do statements.append('grant' ~ on_cluster ~ ' ' ~ role ~ ' to ' ~ user ~ ' with replace option') -%}
    {%- endif -%}
    {{ return(statements) }}
{%- endmacro %}


{# on-run-end hook: apply the statements on a ClickHouse server, skip on the embedded warehouse. #}
{% macro grant_datalens_access() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if is_embedded_warehouse() -%}
        {{ log("datalens access: skipped on the embedded warehouse (chDB cannot create roles or "
               ~ "users); it is applied on ClickHouse server targets", info=True) }}
        {{ return('') }}
    {%- endif -%}
    {%- set password = env_var('DATALENS_PASSWORD', '') -%}
    {%- for statement in datalens_access_statements(password) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- if password -%}
        {{ log("datalens access: role " ~ var('datalens_role') ~ " has SELECT on "
               ~ generate_schema_name('marts', none) ~ ".*, user " ~ var('datalens_user')
               ~ " has the role", info=True) }}
    {%- else -%}
        {{ log("datalens access: role " ~ var('datalens_role') ~ " has SELECT on "
               ~ generate_schema_name('marts', none) ~ ".*; DATALENS_PASSWORD is not set: user " ~ var('datalens_user')
               ~ " skipped (not created or changed)", info=True) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{#
    dbt run-operation print_datalens_access: the statements, one per line, for any target
    (nothing is run). The password comes from DATALENS_PASSWORD and is printed as '***';
    a `password` passed in --args (a test value, not a secret) is printed as is.
#}
{% macro print_datalens_access(password=none) -%}
    {%- if password is none -%}
        {%- set secret = env_var('DATALENS_PASSWORD', '') -%}
        {%- set statements = datalens_access_statements('***' if secret else '') -%}
        {%- if not secret -%}
            {{ print('-- DATALENS_PASSWORD is not set: no user statements') }}
        {%- endif -%}
    {%- else -%}
        {%- set statements = datalens_access_statements(password | string) -%}
    {%- endif -%}
    {%- if is_embedded_warehouse() -%}
        {{ print('-- this target is the embedded warehouse: the on-run-end hook skips these') }}
    {%- endif -%}
    {%- for statement in statements -%}
        {{ print(statement ~ ';') }}
    {%- endfor -%}
{%- endmacro %}
