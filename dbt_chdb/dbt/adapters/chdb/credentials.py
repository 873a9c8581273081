from dataclasses import dataclass
from urllib.parse import urlsplit

from dbt.adapters.clickhouse.credentials import ClickHouseCredentials


def redact_url(url: str) -> str:
    """The URL without its password, safe for logs and dbt artifacts."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


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
