{#
    Whether the warehouse's ClickHouse has `capability` (warehouse_client/engine.py decides it
    from the version the adapter read once). Another adapter than the project's `chdb` gets
    false: the fallbacks work on every supported version.
#}
{% macro engine_has(capability) -%}
    {{ return(adapter.engine_has(capability) if adapter.type() == 'chdb' else false) }}
{%- endmacro %}
