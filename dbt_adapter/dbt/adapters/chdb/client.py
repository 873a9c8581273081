from clickhouse_connect.driver.client import Client
from dbt.adapters.chdb.credentials import ChdbCredentials
from dbt.adapters.clickhouse.dbclient import ChRetryableException
from dbt.adapters.clickhouse.httpclient import ChHttpClient
from dbt_common.exceptions import DbtRuntimeError

from warehouse_client import WarehouseError, WarehouseUnreachable, open_client, warehouse_engine


class ChdbClient(ChHttpClient):
    """dbt-clickhouse's HTTP client wrapper; only the client construction differs: one
    WAREHOUSE_URL, an engine the project supports (checked before any model or hook runs), and
    the session settings that engine's version calls for (warehouse_client/engine.py)."""

    def _create_client(self, credentials: ChdbCredentials) -> Client:  # type: ignore[override]
        try:
            client = open_client(credentials.url, settings=self._conn_settings)
        except WarehouseUnreachable as ex:
            raise ChRetryableException(str(ex)) from None
        except WarehouseError as ex:
            raise DbtRuntimeError(str(ex)) from None
        for name, value in warehouse_engine(credentials.url).dbt_session_settings().items():
            client.set_client_setting(name, value)
        return client
