from dbt.adapters.base.meta import available
from dbt.adapters.chdb import run_lease
from dbt.adapters.chdb.connections import ChdbConnectionManager
from dbt.adapters.clickhouse.impl import ClickHouseAdapter

from warehouse_client import warehouse_engine


class ChdbAdapter(ClickHouseAdapter):
    ConnectionManager = ChdbConnectionManager

    @classmethod
    def type(cls) -> str:
        return "chdb"

    @available
    def take_run_lease(self, what: str) -> str:
        """macros/run_hooks/run_lease.sql: the on-run-start hook."""
        return run_lease.take(self.config.credentials, what)

    @available
    def release_run_lease(self) -> str:
        """macros/run_hooks/run_lease.sql: the on-run-end hook."""
        return run_lease.release()

    @available.parse(lambda *args, **kwargs: False)
    def engine_has(self, capability: str) -> bool:
        """Whether the warehouse's engine has `capability` (macro engine_has): decided in
        warehouse_client/engine.py from the version read once per process."""
        return warehouse_engine(self.config.credentials.url).has(capability)
