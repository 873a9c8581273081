"""The compatibility matrix's tools (`make test-compat`): the marts of one warehouse as files,
so the marts built on one ClickHouse engine can be compared with another's by `diff -r`."""
