import fcntl
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


class WarehouseUnreachable(WarehouseError):
    """A ClickHouse server that did not answer: worth a retry."""


def _locked_by_another_process(path: str) -> bool:
    # ClickHouse flocks <data dir>/status while an engine has the directory open
    try:
        with open(Path(path) / "status", "rb") as status:
            fcntl.flock(status, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(status, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


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
        except Exception:  # chDB raises plain RuntimeErrors that do not say why
            if _locked_by_another_process(path):
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
    try:
        # clickhouse-connect reads host, port and credentials from the DSN but not its scheme
        return clickhouse_connect.get_client(
            dsn=url, interface=parts.scheme, settings=settings, query_limit=0
        )
    except OperationalError as ex:
        reason = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise WarehouseUnreachable(
            f"cannot reach the warehouse at {redact_url(url)} ({redact(reason, url)}); "
            "check WAREHOUSE_URL and that ClickHouse is up"
        ) from None


def redact(text: str, url: str) -> str:
    return text.replace(url, redact_url(url))


class ChdbClient(ChHttpClient):
    """dbt-clickhouse's HTTP client wrapper; only the client construction differs."""

    def _create_client(self, credentials: ChdbCredentials) -> Client:  # type: ignore[override]
        try:
            return open_client(credentials.url, settings=self._conn_settings)
        except WarehouseUnreachable as ex:
            raise ChRetryableException(str(ex)) from None
        except WarehouseError as ex:
            raise DbtRuntimeError(str(ex)) from None
