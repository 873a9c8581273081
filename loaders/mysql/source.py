"""The shop's MySQL database → raw.mysql__*: incremental by `updated_at`, merged on `id`.

Reads are plain InnoDB consistent reads (no locks) in a READ COMMITTED, READ ONLY session,
streamed in chunks as Arrow tables: from MySQL with ConnectorX (Rust, binary protocol; about
10x faster than the pure-Python driver), from anything else (the demo's SQLite) with dlt's
pyarrow backend. Both give the same Arrow types. Order lines follow their orders: whenever an
order or any of its lines changed, all of its current lines are re-read and replace the old
ones (merge_key `zakaz_id`), because edited orders delete and re-insert lines with new ids.
A table without a saved cursor is read whole and lands with `replace` (see replace_if_first).

Nothing changes meaning on the way: raw columns are Nullable exactly where the source column
is (and become Nullable when the source's does, see shop_schema_check), integers land as
Int64 and money as the declared DECIMAL. The cursor cannot be poisoned: a row dated beyond
the source's clock + FUTURE_TOLERANCE is loaded and reported, but the saved cursor stops at
the source's clock; a row without `updated_at` is loaded (every night) and reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dlt
import pyarrow as pa
import sqlalchemy as sa
from dlt.common.configuration.container import Container
from dlt.common.destination import DestinationCapabilitiesContext
from dlt.common.libs.pyarrow import get_py_arrow_datatype
from dlt.sources import DltResource, DltSource
from dlt.sources.sql_database import sql_table
from dlt.sources.sql_database.helpers import ConnectorXTableLoader

from loaders.common.errors import ActionableError
from loaders.mysql.cursor_guard import CursorGuard
from loaders.mysql.load_report import LoadReport
from loaders.mysql.schema_check import LANDED_COLUMNS

log = logging.getLogger(__name__)

LINES_TABLE = "zakazy_tovary"
INCREMENTAL_TABLES = ("users", "tovary", "zakazy", LINES_TABLE)
# Above this many changed orders one full scan beats many IN (...) lookups.
FULL_RELOAD_THRESHOLD = 200_000
IN_LIST_SIZE = 10_000
SHOP_TIME_ZONE = ZoneInfo("Europe/Moscow")


# A run reads each table once, so its staging table never holds an id twice: skip dlt's
# ROW_NUMBER() dedup, a window over the whole staging table whose memory grows with the load.
# (The staging models keep one row per id anyway.)
MERGE: Any = {"disposition": "merge", "strategy": "delete-insert", "deduplicated": True}
READ_ONLY_SESSION = (
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET SESSION TRANSACTION READ ONLY",
)


def money(nullable: bool) -> dict[str, Any]:
    # a fresh dict each time: dlt writes the column name into the hint it is given
    return {"data_type": "decimal", "precision": 12, "scale": 2, "nullable": nullable}


# DECIMAL(12,2) as declared; SQLite reflection and arrow inference would narrow it to the data
MONEY_COLUMNS = {"tovary": ("price",), "zakazy": ("delivery_cost",)}

# declared up front so the table exists with its types even when no line was read
LINE_TYPES: dict[str, dict[str, Any]] = {
    "id": {"data_type": "bigint"},
    "zakaz_id": {"data_type": "bigint"},
    "tovar_id": {"data_type": "bigint"},
    "quantity": {"data_type": "bigint"},
    "price": {"data_type": "decimal", "precision": 12, "scale": 2},
    "updated_at": {"data_type": "timestamp"},
}


def nullable_columns(engine: sa.Engine, table: str) -> set[str]:
    """The columns the source declares NULL-able now: hints must follow them, or dlt would
    create (or keep) a non-Nullable column and a NULL would land as 0."""
    return {c["name"] for c in sa.inspect(engine).get_columns(table) if c.get("nullable", True)}


def money_hints(engine: sa.Engine, table: str) -> dict[str, Any] | None:
    if table not in MONEY_COLUMNS:
        return None
    nullable = nullable_columns(engine, table)
    return {column: money(column in nullable) for column in MONEY_COLUMNS[table]}


def line_hints(engine: sa.Engine) -> dict[str, Any]:
    nullable = nullable_columns(engine, LINES_TABLE)
    return {name: {**hint, "nullable": name in nullable} for name, hint in LINE_TYPES.items()}


def source_now(engine: sa.Engine) -> datetime:
    """The shop's wall clock (its DATETIMEs are wall-clock values), labelled UTC as landed."""
    if engine.dialect.name == "mysql":
        with engine.connect() as conn:
            now = conn.execute(sa.text("SELECT NOW()")).scalar_one()
    else:  # the demo's SQLite holds Moscow wall-clock values
        now = datetime.now(SHOP_TIME_ZONE).replace(tzinfo=None)
    return now.replace(microsecond=0, tzinfo=UTC)


def create_shop_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "mysql":

        @sa.event.listens_for(engine, "connect")
        def _read_only_session(dbapi_conn: Any, _record: Any) -> None:
            # never lock production: snapshot reads only, and the session cannot write
            with dbapi_conn.cursor() as cursor:
                for statement in READ_ONLY_SESSION:
                    cursor.execute(statement)

    return engine


class ShopDatabaseUnreachable(ActionableError):
    pass


def check_reachable(engine: sa.Engine) -> None:
    """Fail fast, in words a person can act on, before dlt starts a load package."""
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        where = f"{engine.url.host}:{engine.url.port or 3306}" if engine.url.host else engine.url
        reason = str(error.orig).strip() if error.orig else str(error)
        raise ShopDatabaseUnreachable(
            f"cannot connect to the shop database at {where} ({reason}); "
            "check SHOP_DB_URL and that the server is up"
        ) from None


def _bigint_integers(sql_type: Any) -> Any:
    # INT/TINYINT UNSIGNED would otherwise land as narrow signed ClickHouse types
    return sa.BigInteger if isinstance(sql_type, sa.Integer) else None


def _birthday_as_text(table: sa.Table) -> None:
    # '0000-00-00' is no date in Python or Arrow: land the text, dbt decides what it means
    if "birthday" in table.c:
        table.c.birthday.type = sa.String(10)


def _select_birthday_as_text(query: sa.Select[Any], table: sa.Table) -> sa.Select[Any]:
    if "birthday" not in table.c:
        return query
    columns = [
        sa.cast(column, sa.String(10)).label("birthday") if column.name == "birthday" else column
        for column in table.c
    ]
    return query.with_only_columns(*columns)


class ConnectorXArrowLoader(ConnectorXTableLoader):
    """ConnectorX batches of chunk_size rows, cast to the types the pyarrow backend yields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The cursor goes into the SQL text here: send the wall-clock value as pymysql does.
        # ('... +00:00' would be read by MySQL 8 as an offset from the session time zone.)
        self.last_value, self.end_value = _naive(self.last_value), _naive(self.end_value)

    def load_rows(self, backend_kwargs: dict[str, Any] | None = None) -> Iterator[Any]:
        caps = Container()[DestinationCapabilitiesContext]
        for batch in super().load_rows(backend_kwargs):
            yield batch.cast(pa.schema([self._field(f, caps) for f in batch.schema]))

    def _field(self, field: pa.Field, caps: DestinationCapabilitiesContext) -> pa.Field:
        hint = self.columns.get(field.name, {})
        sql_type = self.table.c[field.name].type if field.name in self.table.c else None
        arrow_type = field.type
        if hint.get("data_type"):
            arrow_type = get_py_arrow_datatype(hint, caps, "UTC")  # type: ignore[arg-type]
        elif pa.types.is_decimal(arrow_type) and isinstance(sql_type, sa.Numeric):
            arrow_type = pa.decimal128(sql_type.precision, sql_type.scale)  # not (38, 10)
        elif pa.types.is_timestamp(arrow_type) and arrow_type.tz is None:
            arrow_type = pa.timestamp("us", "UTC")  # wall-clock values, labelled like pymysql's
        return pa.field(field.name, arrow_type, nullable=hint.get("nullable", True))


def _naive(value: Any) -> Any:
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def connectorx_url(engine: sa.Engine) -> str | None:
    """The URL ConnectorX reads from, or None when this engine is read with pymysql."""
    if engine.dialect.name != "mysql":
        return None
    if set(engine.url.query) - {"charset"}:  # ssl, unix_socket, ...: only pymysql knows them
        log.info("shop DB URL has options ConnectorX does not take: reading with pymysql")
        return None
    try:
        import connectorx  # noqa: F401
    except ImportError:
        return None
    return engine.url.set(drivername="mysql", query={}).render_as_string(hide_password=False)


def _reader(engine: sa.Engine, chunk_size: int) -> dict[str, Any]:
    url = connectorx_url(engine)
    if url is None:
        return {"backend": "pyarrow"}
    return {
        "backend": "connectorx",
        "table_loader_class": ConnectorXArrowLoader,
        "backend_kwargs": {
            "conn": url,
            "return_type": "arrow_stream",  # batches of chunk_size: memory stays flat
            "batch_size": chunk_size,
            "protocol": "binary",
            "pre_execution_query": list(READ_ONLY_SESSION),
        },
    }


def _table(
    engine: sa.Engine,
    name: str,
    chunk_size: int,
    query_adapter: Any = _select_birthday_as_text,
    **kwargs: Any,
) -> DltResource:
    landed = LANDED_COLUMNS.get(name)
    return sql_table(
        credentials=engine,
        table=name,
        chunk_size=chunk_size,
        included_columns=list(landed) if landed else None,
        **_reader(engine, chunk_size),
        reflection_level="full_with_precision",
        type_adapter_callback=_bigint_integers,
        table_adapter_callback=_birthday_as_text,
        query_adapter_callback=query_adapter,
        **kwargs,
    )


# Typed lightweight tables, so SQLite's text datetimes come back as datetimes too.
_orders = sa.table("zakazy", sa.column("id", sa.BigInteger), sa.column("updated_at", sa.DateTime))
_lines = sa.table(
    LINES_TABLE, sa.column("zakaz_id", sa.BigInteger), sa.column("updated_at", sa.DateTime)
)


def _last_change(conn: sa.Connection) -> datetime | None:
    marks = [
        conn.execute(sa.select(sa.func.max(t.c.updated_at))).scalar() for t in (_orders, _lines)
    ]
    return max((m for m in marks if m is not None), default=None)


def _changed_order_ids(conn: sa.Connection, since: datetime) -> list[int]:
    changed = sa.union(
        sa.select(_orders.c.id).where(_orders.c.updated_at >= since),
        sa.select(_lines.c.zakaz_id).where(_lines.c.updated_at >= since),
    )
    return sorted(row[0] for row in conn.execute(changed))


def _lines_of(engine: sa.Engine, chunk_size: int, order_ids: Sequence[int] | None) -> Iterator[Any]:
    def only_these_orders(query: sa.Select[Any], table: sa.Table) -> sa.Select[Any]:
        return query if order_ids is None else query.where(table.c.zakaz_id.in_(order_ids))

    yield from _table(engine, LINES_TABLE, chunk_size, query_adapter=only_these_orders)


@dlt.resource(name=LINES_TABLE, primary_key="id", merge_key="zakaz_id", write_disposition=MERGE)
def order_lines(engine: sa.Engine, chunk_size: int, now: datetime) -> Iterator[Any]:
    """All current lines of every order that changed (or had a line change) since last run."""
    state = dlt.current.resource_state()
    since = state.get("changed_since")
    with engine.connect() as conn:
        # taken before reading, so a change made during this run is read again next run;
        # never past the source's clock, so a row dated next week cannot hide tonight's edits
        last_change = _last_change(conn)
        if last_change is not None:
            last_change = min(last_change, now.replace(tzinfo=None))
        order_ids = (
            None if since is None else _changed_order_ids(conn, datetime.fromisoformat(since))
        )
    if order_ids is None or len(order_ids) > FULL_RELOAD_THRESHOLD:
        yield from _lines_of(engine, chunk_size, None)
    else:
        for start in range(0, len(order_ids), IN_LIST_SIZE):
            yield from _lines_of(engine, chunk_size, order_ids[start : start + IN_LIST_SIZE])
    if last_change is not None:
        state["changed_since"] = last_change.isoformat()


def _incremental_table(
    engine: sa.Engine, name: str, chunk_size: int, now: datetime, report: LoadReport
) -> DltResource:
    # a row without updated_at is read every night (SQL: OR updated_at IS NULL), not skipped
    cursor = dlt.sources.incremental("updated_at", on_cursor_value_missing="include")
    resource = _table(engine, name, chunk_size, incremental=cursor)
    resource.apply_hints(columns=money_hints(engine, name), **MERGED)
    resource.add_map(CursorGuard(name, now, report))
    return resource


MERGED: Any = {"write_disposition": MERGE, "primary_key": "id"}


@dlt.source(name="mysql", max_table_nesting=0)
def shop_database(
    engine: sa.Engine,
    chunk_size: int = 50_000,
    report: LoadReport | None = None,
    skip: Sequence[str] = (),
) -> list[DltResource]:
    """One resource per shop table (land in raw.mysql__<table>), minus `skip`, and the
    load's findings (raw.mysql__load_events)."""
    report = report if report is not None else LoadReport()
    now = source_now(engine)
    resources = []
    if "cities" not in skip:
        # a few dozen rows and no updated_at: re-read whole every run
        resources.append(_table(engine, "cities", chunk_size).apply_hints(**MERGED))
    resources += [
        _incremental_table(engine, name, chunk_size, now, report)
        for name in INCREMENTAL_TABLES[:-1]
        if name not in skip
    ]
    if LINES_TABLE not in skip:
        resources.append(
            order_lines(engine, chunk_size, now).apply_hints(columns=line_hints(engine))
        )
    resources.append(report.resource())  # last: it reports what the tables found
    return resources


def replace_if_first(source: DltSource, saved_state: dict[str, Any]) -> None:
    """Land a table that has no saved cursor yet (first load, or a rebuilt warehouse) with
    `replace`: its rows go straight into the table, instead of into a staging table followed
    by a delete + insert-select of all of them. Same rows, one copy instead of two, and no
    statement over the whole table whose memory grows with it. `saved_state` is the
    source's state as restored from the warehouse."""
    saved = saved_state.get("resources", {})
    for name in INCREMENTAL_TABLES:
        if name in source.resources and not saved.get(name):
            source.resources[name].apply_hints(write_disposition="replace")
