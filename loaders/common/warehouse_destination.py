"""dlt destination for the warehouse: dlt's ClickHouse destination over a clickhouse-connect client.

dlt's own ClickHouse destination speaks native TCP (clickhouse-driver), so it needs a server.
This one keeps all of dlt's ClickHouse SQL generation (DDL, merge, replace) and swaps only the
connection: a clickhouse-connect client built from WAREHOUSE_URL, which is either embedded
ClickHouse (`chdb:` URLs) or a ClickHouse server over HTTP(S). One code path serves both.

On a replicated cluster (`cluster=`, from WAREHOUSE_CLUSTER) the tables are dlt's
`replicated_merge_tree` and every DDL statement dlt sends gets ON CLUSTER
(warehouse_client.cluster): dlt's own ClickHouse destination has the engine but no ON CLUSTER.
"""

from __future__ import annotations

import dataclasses
import gzip
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from typing import Any, ClassVar, Final

from clickhouse_connect.driver._chdbclient import ChdbClient
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError, Error
from clickhouse_connect.driver.summary import QuerySummary
from clickhouse_connect.driver.tools import insert_file
from dlt.common.configuration import configspec
from dlt.common.configuration.specs import CredentialsConfiguration
from dlt.common.destination import DestinationCapabilitiesContext
from dlt.common.schema import Schema
from dlt.common.typing import TSecretStrValue
from dlt.common.utils import digest128
from dlt.destinations.exceptions import (
    DatabaseTerminalException,
    DatabaseTransientException,
    DatabaseUndefinedRelation,
)
from dlt.destinations.impl.clickhouse.clickhouse import ClickHouseClient
from dlt.destinations.impl.clickhouse.configuration import ClickHouseClientConfiguration
from dlt.destinations.impl.clickhouse.factory import clickhouse
from dlt.destinations.impl.clickhouse.sql_client import ClickHouseSqlClient
from dlt.destinations.impl.clickhouse.typing import HINT_TO_CLICKHOUSE_ATTR
from dlt.destinations.job_client_impl import SqlJobClientWithStagingDataset
from dlt.destinations.sql_client import DBApiCursorImpl, raise_database_error
from dlt.destinations.utils import _convert_to_old_pyformat

from warehouse_client import open_client, redact_url
from warehouse_client.cluster import cluster_session_settings, with_on_cluster

_READ_STATEMENT = re.compile(r"^\s*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXISTS)\b", re.IGNORECASE)
_ERROR_CODE = re.compile(r"Code: (\d+)\.")
_UNDEFINED_RELATION_CODES = {60, 81}
_TERMINAL_CODES = {44, 47, 57, 62, 82}


@configspec(init=False)
class WarehouseCredentials(CredentialsConfiguration):
    """The single WAREHOUSE_URL plus the database dlt lands into."""

    url: TSecretStrValue = None
    database: str = "raw"

    __config_gen_annotations__: ClassVar[list[str]] = ["url"]

    def __str__(self) -> str:
        return redact_url(str(self.url))


@configspec
class WarehouseClientConfiguration(ClickHouseClientConfiguration):
    destination_type: Final[str] = dataclasses.field(  # type: ignore[misc]
        default="warehouse", init=False, repr=False, compare=False
    )
    credentials: WarehouseCredentials = None  # type: ignore[assignment]
    # raw.mysql__zakazy reads better than dlt's default raw.mysql___zakazy
    dataset_table_separator: str = "__"
    # a replicated cluster's name: DDL ON CLUSTER (None: one host)
    cluster: str | None = None

    def fingerprint(self) -> str:
        return digest128(redact_url(str(self.credentials.url))) if self.credentials else ""

    def data_location(self) -> str:
        return redact_url(str(self.credentials.url))


class ResultCursor:
    """The DB-API cursor surface dlt reads, over one clickhouse-connect result."""

    def __init__(
        self,
        columns: Sequence[str] = (),
        types: Sequence[str] = (),
        rows: list[tuple[Any, ...]] | None = None,
    ):
        # None marks a statement without a result set (DDL/DML), as in DB-API; chDB returns
        # no column names for an empty result, so a read always gets a (maybe empty) list.
        self.description = (
            None
            if rows is None
            else [
                (name, type_, None, None, None, None, None)
                for name, type_ in zip(columns, types, strict=True)
            ]
        )
        rows = rows or []
        self.rowcount = len(rows)
        self._rows = rows
        self._pos = 0

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._pos = self._rows[self._pos :], len(self._rows)
        return rows

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        rows = self._rows[self._pos : self._pos + size]
        self._pos += len(rows)
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self.fetchmany(1)
        return rows[0] if rows else None

    def close(self) -> None:
        self._rows = []


class WarehouseSqlClient(ClickHouseSqlClient):
    """ClickHouseSqlClient with a clickhouse-connect client in place of clickhouse-driver."""

    _conn: Client  # type: ignore[assignment]

    def open_connection(self) -> Client:  # type: ignore[override]
        settings = cluster_session_settings(self.config.cluster)
        self._conn = open_client(str(self.credentials.url), settings=settings or None)
        return self._conn

    def close_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None  # type: ignore[assignment]

    def create_dataset(self) -> None:
        # a fresh embedded warehouse has no `raw` database yet; a server's may exist already
        self.execute_sql(f"CREATE DATABASE IF NOT EXISTS {self.catalog_name()}")
        super().create_dataset()

    @contextmanager
    def begin_transaction(self) -> Iterator[WarehouseSqlClient]:
        yield self  # ClickHouse has no transactions: every statement commits on its own

    def commit_transaction(self) -> None:
        pass

    def rollback_transaction(self) -> None:
        pass

    @contextmanager
    @raise_database_error
    def execute_query(self, query: Any, *args: Any, **kwargs: Any) -> Iterator[DBApiCursorImpl]:
        params: dict[str, Any] = dict(kwargs)
        if args:
            query, params = _convert_to_old_pyformat(query, args, DatabaseError)
            params.update(kwargs)
        params = self._sanitise_dbargs(params)
        cursor = ResultCursor()
        # dlt joins statements with ';' (merge jobs); run them one by one like upstream does
        for statement in (s.strip() for s in query.split(";")):
            if statement:
                cursor = self._run(statement, params)
        yield DBApiCursorImpl(cursor)  # type: ignore[arg-type]

    def _run(self, statement: str, params: dict[str, Any]) -> ResultCursor:
        statement = with_on_cluster(statement, self.config.cluster)
        if not params:
            statement = statement.replace("%%", "%")
        if _READ_STATEMENT.match(statement):
            result = self._conn.query(statement, parameters=params or None)
            types = [t.name for t in result.column_types]
            return ResultCursor(result.column_names, types, list(map(tuple, result.result_rows)))
        self._conn.command(statement, parameters=params or None)
        return ResultCursor()

    def insert_file(
        self, file_path: str, table_name: str, file_format: str, compression: str
    ) -> QuerySummary:
        database_name, table_name = self.make_qualified_table_name_path(table_name, quote=False)
        if compression == "gz" and isinstance(self._conn, ChdbClient):
            # chDB's raw insert takes no compressed input; dlt gzips its jsonl files
            with gzip.open(file_path, "rb") as stream:
                return self._conn.raw_insert(
                    f"{database_name}.{table_name}", insert_block=stream.read(), fmt=file_format
                )
        return insert_file(
            self._conn,
            table_name,
            file_path,
            fmt=file_format,
            database=database_name,
            settings={"date_time_input_format": "best_effort"},
            compression=None if compression in ("auto", "none") else compression,
        )

    @classmethod
    def _make_database_exception(cls, ex: Exception) -> Exception:
        if not isinstance(ex, Error):
            return ex
        match = _ERROR_CODE.search(str(ex))
        code = int(match.group(1)) if match else None
        if code in _UNDEFINED_RELATION_CODES:
            return DatabaseUndefinedRelation(ex)
        if code in _TERMINAL_CODES or isinstance(ex, DatabaseError):
            return DatabaseTerminalException(ex)
        return DatabaseTransientException(ex)

    @staticmethod
    def is_dbapi_exception(ex: Exception) -> bool:
        return isinstance(ex, Error)


class WarehouseClient(ClickHouseClient):
    def __init__(
        self,
        schema: Schema,
        config: WarehouseClientConfiguration,
        capabilities: DestinationCapabilitiesContext,
    ) -> None:
        dataset_name, staging_dataset_name = SqlJobClientWithStagingDataset.create_dataset_names(
            schema, config
        )
        sql_client = WarehouseSqlClient(
            dataset_name,
            staging_dataset_name,
            list(schema.tables.keys()),
            config.credentials,  # type: ignore[arg-type]
            capabilities,
            config,
        )
        # ClickHouseClient.__init__ hard-wires its driver; reuse the rest of it unchanged
        SqlJobClientWithStagingDataset.__init__(self, schema, config, sql_client)
        self.sql_client = sql_client
        self.config = config
        self.active_hints = deepcopy(HINT_TO_CLICKHOUSE_ATTR)
        self.type_mapper = self.capabilities.get_type_mapper()


class warehouse(clickhouse):
    """dlt destination factory: `dlt.pipeline(destination=warehouse(url=...))`."""

    spec = WarehouseClientConfiguration  # type: ignore[assignment]

    @property
    def client_class(self) -> type[WarehouseClient]:  # type: ignore[override]
        return WarehouseClient

    def __init__(
        self,
        url: str | None = None,
        database: str = "raw",
        cluster: str | None = None,
        **kwargs: Any,
    ) -> None:
        credentials = WarehouseCredentials()
        credentials.url = url  # type: ignore[assignment]
        credentials.database = database
        kwargs.setdefault("select_sequential_consistency", 1)
        if cluster:
            kwargs.update(cluster=cluster, table_engine_type="replicated_merge_tree")
        super().__init__(credentials=credentials, **kwargs)  # type: ignore[arg-type]
