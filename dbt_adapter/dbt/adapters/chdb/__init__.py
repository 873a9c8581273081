"""dbt adapter `chdb`: dbt-clickhouse unchanged, with the client built from one warehouse URL.

`url: chdb:///abs/path` (or a relative `chdb:path`) opens embedded ClickHouse (chDB) in that
directory; `url: https://user:pass@host:8443/` talks to a ClickHouse server over HTTP(S).
Drop this package once dbt-clickhouse ships its own chDB driver.
"""

from dbt.adapters.base import AdapterPlugin
from dbt.adapters.chdb import collector, secrets
from dbt.adapters.chdb.connections import ChdbConnectionManager  # noqa: F401
from dbt.adapters.chdb.credentials import ChdbCredentials
from dbt.adapters.chdb.impl import ChdbAdapter
from dbt.include import chdb

# before the first connection: every line dbt logs from here on is scrubbed
secrets.register_environment()
# dbt's modules are imported, its manifest not loaded yet
collector.tune_garbage_collector()

Plugin = AdapterPlugin(
    adapter=ChdbAdapter,  # type: ignore[arg-type]
    credentials=ChdbCredentials,
    include_path=chdb.PACKAGE_PATH,
    dependencies=["clickhouse"],
)
