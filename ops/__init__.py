"""Operations around the nightly job: `make nightly`, `make status`, run history, alerts.

- `ops.nightly`: the entry point cron, systemd and CI run (load, dbt build, freshness);
- `ops.status`: per source the last good load, its rows, the last error and freshness;
- `ops.history`: the run history tables in the warehouse (database `ops`);
- `ops.alerts`: one message per problem per night, by e-mail and/or a webhook.
"""
