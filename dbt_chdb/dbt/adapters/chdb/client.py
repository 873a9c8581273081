from pathlib import Path
from urllib.parse import urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import OperationalError
from dbt.adapters.chdb.credentials import ChdbCredentials, redact_url
from dbt.adapters.clickhouse.dbclient import ChRetryableException
from dbt.adapters.clickhouse.httpclient import ChHttpClient
from dbt_common.exceptions import DbtRuntimeError


class WarehouseError(RuntimeError):
    """A warehouse URL that cannot be opened, said in one actionable line."""


def chdb_path(url: str) -> str | None:
    """Data directory of a `chdb:` URL (absolute, or relative to the working directory)."""
    if not url.startswith("chdb:"):
        return None
    rest = url[len("chdb:") :]
    path = rest[2:] if rest.startswith("//") else rest
    return str(Path(path).resolve())


def open_client(url: str, settings: dict[str, object] | None = None) -> Client:
    """A clickhouse-connect client for a `chdb:` or `http(s)://` warehouse URL."""
    path = chdb_path(url)
    if path is not None:
        Path(path).mkdir(parents=True, exist_ok=True)
        try:
            return clickhouse_connect.get_client(interface="chdb", path=path, settings=settings)
        except Exception as ex:  # chDB raises plain RuntimeErrors
            if "Cannot lock file" in str(ex) or "already running" in str(ex):
                raise WarehouseError(
                    f"warehouse {path} is in use by another process (a load or a dbt run): "
                    "wait for it to finish, then retry"
                ) from None
            raise
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise WarehouseError(
            f"WAREHOUSE_URL must start with chdb:, http:// or https://, got {redact_url(url)}"
        )
    return clickhouse_connect.get_client(dsn=url, settings=settings, query_limit=0)


class ChdbClient(ChHttpClient):
    """dbt-clickhouse's HTTP client wrapper; only the client construction differs."""

    def _create_client(self, credentials: ChdbCredentials) -> Client:  # type: ignore[override]
        try:
            return open_client(credentials.url, settings=self._conn_settings)
        except WarehouseError as ex:
            raise DbtRuntimeError(str(ex)) from None
        except OperationalError as ex:
            message = str(ex).replace(credentials.url, redact_url(credentials.url))
            raise ChRetryableException(message) from ex
