from dataclasses import dataclass

from dbt.adapters.chdb import secrets
from dbt.adapters.clickhouse.credentials import ClickHouseCredentials
from dbt_common.exceptions import DbtRuntimeError

from warehouse_client import redact_url, url_secrets
from warehouse_client.cluster import check_cluster_for_url


@dataclass
class ChdbCredentials(ClickHouseCredentials):
    """dbt-clickhouse credentials plus `url`, the project's single WAREHOUSE_URL."""

    url: str = "chdb:warehouse"

    def __post_init__(self) -> None:
        super().__post_init__()
        # a URL written into profiles.yml itself, not taken from the environment
        secrets.register(url_secrets(self.url))
        try:
            check_cluster_for_url(self.cluster, self.url)
        except ValueError as error:
            raise DbtRuntimeError(str(error)) from None

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
