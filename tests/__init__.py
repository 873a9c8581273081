"""The tests: dbt/ (dbt singular and generic tests), python/ (pytest)."""
