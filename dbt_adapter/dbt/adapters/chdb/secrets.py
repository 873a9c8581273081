"""Keep every secret of the environment out of dbt's output and `logs/dbt.log`.

dbt replaces the value of every environment variable named `DBT_ENV_SECRET*` with `*****` in
each line it logs (and in its exception messages). The warehouse password reaches dbt inside
WAREHOUSE_URL, and dbt-clickhouse logs each statement it runs (the DataLens password among
them), so every secret of the environment, by the project's one rule
(warehouse_client.secrets), is registered under that prefix when the adapter loads.
"""

from __future__ import annotations

import os

from warehouse_client.secrets import MIN_LENGTH, environment_secrets

_PREFIX = "DBT_ENV_SECRET_CHDB_"


def register(secrets: list[str]) -> None:
    """Make dbt scrub these values from every log line and error it prints."""
    known = {v for k, v in os.environ.items() if k.startswith(_PREFIX)}
    count = sum(1 for k in os.environ if k.startswith(_PREFIX))
    for secret in secrets:
        if len(secret) >= MIN_LENGTH and secret not in known:
            os.environ[f"{_PREFIX}{count}"] = secret
            known.add(secret)
            count += 1


def register_environment() -> None:
    register(environment_secrets(os.environ))
