"""clickhouse-connect over chDB 3.x, whose `Connection.query` takes no `params` keyword.

clickhouse-connect's chDB backend calls `chdb.connect(...)` and then
`Connection.query(sql, fmt, params=...)` / `send_query(sql, fmt, params=...)`, a keyword chDB
added in 4.0. chDB 3.x carries the ClickHouse 24.8-25.8 engines the compatibility tests run
on; there each connection is wrapped so an empty `params` is dropped. Parameters bound on the
server (`{name:Type}` placeholders) cannot reach chDB 3.x: such a query stops with one line
saying so. The project binds on the client (`%(name)s`), which works on every engine.
"""

from __future__ import annotations

from typing import Any

from warehouse_client.engine import chdb_takes_query_params


class ServerSideParamsUnsupported(RuntimeError):
    pass


class _Connection:
    """A chDB 3.x connection that accepts (and drops) an empty `params`."""

    def __init__(self, connection: Any, chdb_version: str) -> None:
        self._connection = connection
        self._chdb_version = chdb_version

    def query(self, sql: Any, fmt: str = "CSV", params: dict[str, Any] | None = None) -> Any:
        self._refuse(params)
        return self._connection.query(sql, fmt)

    def send_query(self, sql: Any, fmt: str = "CSV", params: dict[str, Any] | None = None) -> Any:
        self._refuse(params)
        return self._connection.send_query(sql, fmt)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def _refuse(self, params: dict[str, Any] | None) -> None:
        if params:
            raise ServerSideParamsUnsupported(
                f"chDB {self._chdb_version} cannot bind query parameters on the server "
                f"({', '.join(sorted(params))}): bind them on the client (%(name)s placeholders)"
            )


def chdb_version() -> str:
    """The installed chDB package's version (imported only for an embedded warehouse)."""
    import chdb

    return str(chdb.__version__)


def adapt_chdb() -> None:
    """Make chDB's connections take clickhouse-connect's calls; nothing to do on chDB 4+."""
    import chdb

    version = chdb_version()
    if chdb_takes_query_params(version) or getattr(chdb.connect, "adapted", False):
        return
    connect = chdb.connect

    def adapted_connect(*args: Any, **kwargs: Any) -> _Connection:
        return _Connection(connect(*args, **kwargs), version)

    adapted_connect.adapted = True  # type: ignore[attr-defined]
    chdb.connect = adapted_connect
