{#
    Write-audit-publish for the marts DataLens reads.

    Write: every mart model builds into the database var('marts_build_database')
    (generate_schema_name), never into `marts` directly. Audit: dbt build runs every test
    against those tables. Publish: the on-run-end hook `publish_marts(results)` swaps each mart
    this run built into `marts` (EXCHANGE TABLES; RENAME the first time), only when no model
    errored and no error-severity test (data or unit) failed; warnings do not block. Otherwise
    nothing moves, all of yesterday's marts stay, and the run fails naming what failed.

    The swaps of every already published mart are ONE statement (`exchange tables a and a',
    b and b', ...`): the client cannot die between two of them, so a killed run leaves the
    previous marts or the new ones, never a mix. The server performs the pairs one after
    another (each atomic), so a dashboard query landing inside that one statement (well under
    a millisecond of metadata renames) could still read one new and one old mart.
#}

{% macro marts_build_database() -%}
    {{ return(var('marts_build_database', 'marts_build')) }}
{%- endmacro %}

{% macro published_marts_database() -%}
    {{ return(generate_schema_name('marts', none)) }}
{%- endmacro %}

{# Table-like mart models (views would point at the build database). #}
{% macro _mart_models() -%}
    {% set found = [] %}
    {% for node in graph.nodes.values() %}
        {% if node.resource_type == 'model' and node.schema == marts_build_database()
            and node.config.materialized in ('table', 'incremental') %}
            {% do found.append(node) %}
        {% endif %}
    {% endfor %}
    {{ return(found) }}
{%- endmacro %}

{#
    on-run-start: create the build database and start every mart this run does not rebuild
    from scratch from the published state: incremental marts always (not on --full-refresh),
    and marts that are not selected but that a selected node reads, directly or through other
    models (so a partial run reads the published marts, not a previous unpublished build). A
    mart nothing selected reads is left alone (the nightly's `-s tag:data_health` reads none).
#}
{% macro prepare_marts_build() -%}
    {#- `dbt source freshness` reads sources only: no mart to start from #}
    {% if not execute or flags.WHICH == 'freshness' %}{{ return('') }}{% endif %}
    {% set build = marts_build_database() %}
    {% set published = published_marts_database() %}
    {% do run_query('create database if not exists ' ~ build ~ on_cluster_ddl()) %}
    {#- the incremental marts' deletes leave patch parts (lightweight updates, ClickHouse 26.9+),
        and ATTACH PARTITION refuses a partition with unapplied ones: apply them first #}
    {% set patched = [] %}
    {% for row in run_query(_unapplied_patches_sql(published)).rows %}
        {% do patched.append(row[0]) %}
    {% endfor %}
    {% set read = _read_by_selection() %}
    {% for node in _mart_models() %}
        {% set selected = node.unique_id in selected_resources %}
        {% set rebuilt = selected
            and (node.config.materialized != 'incremental' or flags.FULL_REFRESH) %}
        {% if not rebuilt and (selected or node.unique_id in read) %}
            {% set source = adapter.get_relation(database=none, schema=published, identifier=node.alias) %}
            {# dbt cached the build database's tables before this hook: keep it in step #}
            {% set relation = api.Relation.create(
                database=node.database, schema=build, identifier=node.alias, type='table') %}
            {% if source is not none %}
                {% if node.alias in patched %}
                    {% do run_query('alter table ' ~ published ~ '.`' ~ node.alias ~ '`' ~ on_cluster_ddl() ~ ' apply patches'
                        ~ ' settings mutations_sync = 2') %}
                {% endif %}
                {% do run_query('drop table if exists ' ~ build ~ '.`' ~ node.alias ~ '`' ~ on_cluster_ddl()) %}
                {% do clone_table(published, build, node.alias) %}
                {% do adapter.cache_added(relation) %}
            {% elif node.config.materialized == 'incremental' %}
                {# never published: never continue from an unpublished build #}
                {% do run_query('drop table if exists ' ~ build ~ '.`' ~ node.alias ~ '`' ~ on_cluster_ddl()) %}
                {% do adapter.cache_dropped(relation) %}
            {% endif %}
        {% endif %}
    {% endfor %}
{%- endmacro %}

{# The unique ids of every node the selected ones read, directly or through other nodes. #}
{% macro _read_by_selection() -%}
    {% set pending = [] %}
    {% for unique_id in selected_resources if unique_id in graph.nodes %}
        {% do pending.extend(graph.nodes[unique_id].depends_on.nodes) %}
    {% endfor %}
    {% set read = [] %}
    {% for unique_id in pending if unique_id not in read %}
        {% do read.append(unique_id) %}
        {% if unique_id in graph.nodes %}
            {% do pending.extend(graph.nodes[unique_id].depends_on.nodes) %}
        {% endif %}
    {% endfor %}
    {{ return(read) }}
{%- endmacro %}

{#
    The tables of `database` with a patch part not yet applied to every part of its partition.
    A patch part stays active after APPLY PATCHES; it is pending for the data parts whose
    data_version (the block number of their last mutation or insert) is below its own: newer
    parts were written after it, applied parts were rewritten after it. APPLY PATCHES is a
    mutation that rewrites every part of the table, so a table whose patches are all applied is
    left alone; a miss would not go unseen: ATTACH PARTITION refuses it.
#}
{% macro _unapplied_patches_sql(database) -%}
    select distinct patches.table
    from (
        select
            table,
            replaceRegexpOne(partition_id, '^patch-[^-]+-', '') as data_partition_id,
            max(data_version) as patch_version
        from system.parts
        where active and database = '{{ database }}' and startsWith(name, 'patch-')
        group by table, data_partition_id
    ) as patches
    inner join (
        select table, partition_id, min(data_version) as oldest_version
        from system.parts
        where active and database = '{{ database }}' and not startsWith(name, 'patch-')
        group by table, partition_id
    ) as data_parts
        on patches.table = data_parts.table and patches.data_partition_id = data_parts.partition_id
    where data_parts.oldest_version < patches.patch_version
{%- endmacro %}

{#
    `to_database`.`name`: a copy of `from_database`.`name` that shares its parts (hard links, no
    data copied): the table's structure, engine, settings and comments, then every partition
    of it attached, in one ALTER. This is what `CREATE TABLE ... CLONE AS` runs inside
    ClickHouse, written out because every supported version has these two statements, while
    CLONE AS does not exist on 24.8 and looks the source up in the session's database on 25.x
    (and `ATTACH PARTITION ALL` does not exist on 24.8). On a cluster both run ON CLUSTER: the
    table on every replica, the attach once per shard (a replicated ALTER).
#}
{% macro clone_table(from_database, to_database, name) -%}
    {% set source = from_database ~ '.`' ~ name ~ '`' %}
    {% set target = to_database ~ '.`' ~ name ~ '`' %}
    {% do run_query('create table ' ~ target ~ on_cluster_ddl() ~ ' as ' ~ source) %}
    {% set attaches = [] %}
    {% for row in run_query("select distinct partition_id from system.parts where active"
        ~ " and database = '" ~ from_database ~ "' and table = '" ~ name ~ "' order by partition_id").rows %}
        {% do attaches.append("attach partition id '" ~ row[0] ~ "' from " ~ source) %}
    {% endfor %}
    {% if attaches %}
        {% do run_query('alter table ' ~ target ~ on_cluster_ddl() ~ ' ' ~ attaches | join(', ')) %}
    {% endif %}
{%- endmacro %}

{# The results that block publishing: errored nodes and failed error-severity tests. #}
{% macro _blocking_results(results) -%}
    {% set blocking = [] %}
    {% for result in results %}
        {% if result.status in ('error', 'fail', 'runtime error') %}
            {% do blocking.append(result.node.name) %}
        {% endif %}
    {% endfor %}
    {{ return(blocking) }}
{%- endmacro %}

{% macro publish_marts(results) -%}
    {% if not execute %}{{ return('') }}{% endif %}
    {% set build = marts_build_database() %}
    {% set published = published_marts_database() %}
    {% set blocking = _blocking_results(results) %}
    {% if blocking %}
        {{ exceptions.raise_compiler_error(
            'marts not published: ' ~ blocking | length ~ ' node(s) failed: '
            ~ blocking | join(', ') ~ '. DataLens keeps the previous marts, all of them; '
            ~ 'fix the data or the model, then rerun dbt build') }}
    {% endif %}
    {% set built = [] %}
    {% for result in results %}
        {% set node = result.node %}
        {% if node.resource_type == 'model' and node.schema == build and result.status == 'success'
            and node.config.materialized in ('table', 'incremental') %}
            {% do built.append(node.alias) %}
        {% endif %}
    {% endfor %}
    {% if not built %}{{ return('') }}{% endif %}
    {% do run_query('create database if not exists ' ~ published ~ on_cluster_ddl()) %}
    {% set exchanges = [] %}
    {% set first_time = [] %}
    {% for name in built | sort %}
        {% set target = adapter.get_relation(database=none, schema=published, identifier=name) %}
        {% set pair = build ~ '.`' ~ name ~ '` ' ~ ('to ' if target is none else 'and ')
            ~ published ~ '.`' ~ name ~ '`' %}
        {% do (first_time if target is none else exchanges).append(pair) %}
    {% endfor %}
    {# marts DataLens has never seen first, then every published one in ONE statement #}
    {% if first_time %}
        {% do run_query('rename table ' ~ first_time | join(', ') ~ on_cluster_ddl()) %}
    {% endif %}
    {% if exchanges %}
        {% do run_query('exchange tables ' ~ exchanges | join(', ') ~ on_cluster_ddl()) %}
    {% endif %}
    {{ log('published ' ~ built | length ~ ' mart(s) to ' ~ published ~ ': ' ~ built | sort | join(', '), info=true) }}
{%- endmacro %}
