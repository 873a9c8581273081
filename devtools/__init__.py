"""Development tooling: the sandbox APIs, the demo shop, the test harness, the bench and the demo
report. Nothing in loaders/, ops/ or the dbt project imports it."""
