"""Keep every secret of the environment out of dbt's output and `logs/dbt.log`.

dbt replaces the value of every environment variable named `DBT_ENV_SECRET*` with `*****` in
each line it logs (and in its exception messages). The warehouse password reaches dbt inside
WAREHOUSE_URL, and dbt-clickhouse logs each statement it runs (the DataLens password among
them), so the password of each URL, in every form it may be printed, and every
password / token / secret variable are registered under that prefix when the adapter loads.
"""

from __future__ import annotations

import os
import re

from warehouse_client import url_secrets

_SECRET_NAME = re.compile(r"(PASSWORD|TOKEN|SECRET)", re.IGNORECASE)
_URL_NAME = re.compile(r"_URL$")
_PREFIX = "DBT_ENV_SECRET_CHDB_"
# shorter values would scrub ordinary words out of the log
_MIN_LENGTH = 4


def environment_secrets(environ: dict[str, str] | os._Environ[str]) -> list[str]:
    """Passwords in `*_URL` variables and the values of password / token / secret variables."""
    found: list[str] = []
    for name, value in environ.items():
        if name.startswith("DBT_ENV_SECRET") or not value:
            continue
        if _URL_NAME.search(name):
            found += url_secrets(value)
        elif _SECRET_NAME.search(name):
            found.append(value)
    return [s for s in dict.fromkeys(found) if len(s) >= _MIN_LENGTH]


def register(secrets: list[str]) -> None:
    """Make dbt scrub these values from every log line and error it prints."""
    known = {v for k, v in os.environ.items() if k.startswith(_PREFIX)}
    count = sum(1 for k in os.environ if k.startswith(_PREFIX))
    for secret in secrets:
        if len(secret) >= _MIN_LENGTH and secret not in known:
            os.environ[f"{_PREFIX}{count}"] = secret
            known.add(secret)
            count += 1


def register_environment() -> None:
    register(environment_secrets(os.environ))
