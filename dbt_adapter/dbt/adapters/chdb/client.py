from clickhouse_connect.driver.client import Client
from dbt.adapters.chdb.credentials import ChdbCredentials
from dbt.adapters.clickhouse.dbclient import ChRetryableException
from dbt.adapters.clickhouse.httpclient import ChHttpClient
from dbt_common.exceptions import DbtRuntimeError

from warehouse_client import WarehouseError, WarehouseUnreachable, open_client


class ChdbClient(ChHttpClient):
    """dbt-clickhouse's HTTP client wrapper; only the client construction differs."""

    def _create_client(self, credentials: ChdbCredentials) -> Client:  # type: ignore[override]
        try:
            return open_client(credentials.url, settings=self._conn_settings)
        except WarehouseUnreachable as ex:
            raise ChRetryableException(str(ex)) from None
        except WarehouseError as ex:
            raise DbtRuntimeError(str(ex)) from None
