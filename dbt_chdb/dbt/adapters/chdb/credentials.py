from dataclasses import dataclass

from dbt.adapters.clickhouse.credentials import ClickHouseCredentials
from warehouse_client import redact_url


@dataclass
class ChdbCredentials(ClickHouseCredentials):
    """dbt-clickhouse credentials plus `url`, the project's single WAREHOUSE_URL."""

    url: str = "chdb:warehouse"

    @property
    def type(self) -> str:
        return "chdb"

    @property
    def unique_field(self) -> str:
        return redact_url(self.url)

    def _connection_keys(self) -> tuple[str, ...]:
        # `url` is shown by `dbt debug`: show it without the password.
        return ("url_redacted", "schema", "retries", "cluster", "database_engine")

    @property
    def url_redacted(self) -> str:
        return redact_url(self.url)
