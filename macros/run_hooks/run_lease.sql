{#
    One run at a time per warehouse (docs/production.md, "The run lease"): a `dbt build` (or
    run, test, seed) takes the warehouse's run lease before anything else and releases it
    last, so it never overlaps `make load`, `make nightly` or another dbt run, from this host
    or another. Under `make nightly` it runs under the job's lease (RUN_LEASE_HELD). When the
    lease is held, the run stops at once: "another run is in progress (host, pid, since)".
    The lease itself is Python (warehouse_client/run_lease.py), reached through the
    project's adapter: a thread heartbeats it while dbt works.
#}
{% macro take_run_lease() -%}
    {%- if execute -%}
        {{ log(adapter.take_run_lease('dbt ' ~ flags.WHICH), info=True) }}
    {%- endif -%}
{%- endmacro %}


{% macro release_run_lease() -%}
    {%- if execute -%}
        {{ log(adapter.release_run_lease(), info=True) }}
    {%- endif -%}
{%- endmacro %}
