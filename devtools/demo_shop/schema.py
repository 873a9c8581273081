"""The shop's source schema (docs/source-schema.md), its reference rows, bulk writes.

SQLAlchemy Core tables serve SQLite and give column order and types to the writers;
MySQL/MariaDB get the contract's DDL verbatim, so tests run against the real thing
(unsigned ints, ON UPDATE CURRENT_TIMESTAMP, utf8mb4, the same index names).
Rows are plain tuples in column order (`COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    Engine,
    Enum,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    func,
)

Row = tuple[Any, ...]
metadata = MetaData()

# Reference values of the contract: the rows of `cities`, and the legacy zero date.
CITIES: tuple[tuple[int, str], ...] = (
    (1, "Москва"),
    (2, "Санкт-Петербург"),
    (3, "Нижний Новгород"),
    (4, "Екатеринбург"),
    (5, "Новосибирск"),
    (6, "Казань"),
    (7, "Тверь"),
    (8, "Самара"),
    (9, "Краснодар"),
    (10, "Воронеж"),
)
ZERO_DATE = "0000-00-00"


def _updated_at() -> Column[datetime]:
    return Column("updated_at", DateTime, nullable=False, server_default=func.current_timestamp())


cities = Table(
    "cities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(128), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(255)),
    Column("phone", String(32)),
    Column("first_name", String(100)),
    Column("last_name", String(100)),
    Column("gender", Enum("m", "f", name="gender")),
    # DATE, but SQLite rows may hold the text '0000-00-00' like the legacy MySQL rows.
    Column("birthday", Date),
    Column("vk_id", BigInteger),
    Column("created_at", DateTime, nullable=False),
    _updated_at(),
    Index("ix_users_updated_at", "updated_at"),
    Index("ix_users_vk_id", "vk_id"),
)

tovary = Table(
    "tovary",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(255), nullable=False),
    Column("category", String(128)),
    Column("price", Numeric(12, 2), nullable=False),
    _updated_at(),
    Index("ix_tovary_updated_at", "updated_at"),
)

zakazy = Table(
    "zakazy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("status", SmallInteger, nullable=False),
    Column("payment_method", String(32)),
    Column("delivery_city_id", Integer),
    Column("delivery_cost", Numeric(12, 2), nullable=False, server_default="0.00"),
    Column("utm_source", String(64)),
    Column("utm_medium", String(64)),
    Column("utm_campaign", String(255)),
    Column("utm_content", String(255)),
    Column("created_at", DateTime, nullable=False),
    _updated_at(),
    Index("ix_zakazy_user", "user_id"),
    Index("ix_zakazy_updated_at", "updated_at"),
)

zakazy_tovary = Table(
    "zakazy_tovary",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("zakaz_id", Integer, nullable=False),
    Column("tovar_id", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("price", Numeric(12, 2), nullable=False),
    _updated_at(),
    Index("ix_zt_zakaz", "zakaz_id"),
    Index("ix_zt_updated_at", "updated_at"),
)

TABLES: dict[str, Table] = {t.name: t for t in (cities, users, tovary, zakazy, zakazy_tovary)}
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in t.columns) for name, t in TABLES.items()
}

# The production DDL (docs/source-schema.md), kept as text so MySQL gets exactly that.
MYSQL_DDL: tuple[str, ...] = (
    """CREATE TABLE cities (
  id          INT UNSIGNED NOT NULL PRIMARY KEY,
  name        VARCHAR(128) NOT NULL
) DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE users (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email       VARCHAR(255) NULL,
  phone       VARCHAR(32)  NULL,
  first_name  VARCHAR(100) NULL,
  last_name   VARCHAR(100) NULL,
  gender      ENUM('m', 'f') NULL,
  birthday    DATE NULL,
  vk_id       BIGINT UNSIGNED NULL,
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY ix_users_updated_at (updated_at),
  KEY ix_users_vk_id (vk_id)
) DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE tovary (
  id          INT UNSIGNED NOT NULL PRIMARY KEY,
  name        VARCHAR(255) NOT NULL,
  category    VARCHAR(128) NULL,
  price       DECIMAL(12, 2) NOT NULL,
  updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY ix_tovary_updated_at (updated_at)
) DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE zakazy (
  id                INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id           INT UNSIGNED NOT NULL,
  status            TINYINT UNSIGNED NOT NULL,
  payment_method    VARCHAR(32) NULL,
  delivery_city_id  INT UNSIGNED NULL,
  delivery_cost     DECIMAL(12, 2) NOT NULL DEFAULT 0.00,
  utm_source        VARCHAR(64)  NULL,
  utm_medium        VARCHAR(64)  NULL,
  utm_campaign      VARCHAR(255) NULL,
  utm_content       VARCHAR(255) NULL,
  created_at        DATETIME NOT NULL,
  updated_at        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY ix_zakazy_user (user_id),
  KEY ix_zakazy_updated_at (updated_at)
) DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE zakazy_tovary (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  zakaz_id    INT UNSIGNED NOT NULL,
  tovar_id    INT UNSIGNED NOT NULL,
  quantity    INT UNSIGNED NOT NULL,
  price       DECIMAL(12, 2) NOT NULL,
  updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY ix_zt_zakaz (zakaz_id),
  KEY ix_zt_updated_at (updated_at)
) DEFAULT CHARSET = utf8mb4""",
)


def is_mysql(engine: Engine) -> bool:
    return engine.dialect.name in ("mysql", "mariadb")


def drop_schema(engine: Engine) -> None:
    metadata.drop_all(engine, checkfirst=True)


def create_schema(engine: Engine) -> None:
    """Create the five shop tables (they must not exist yet)."""
    if not is_mysql(engine):
        metadata.create_all(engine)
        return
    with engine.begin() as conn:
        for ddl in MYSQL_DDL:
            conn.exec_driver_sql(ddl)


def _row_adapter(table: Table, dialect: Dialect) -> Callable[[Row], Row]:
    # The dialect's own bind processors, so SQLite text matches what SQLAlchemy queries
    # compare with ('2026-01-02 03:04:05.000000'); str values (the zero date) pass as-is.
    procs = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns]
    if not any(procs):
        return lambda row: row
    return lambda row: tuple(
        v if p is None or v is None or isinstance(v, str) else p(v)
        for p, v in zip(procs, row, strict=True)
    )


def insert_rows(conn: Connection, table_name: str, rows: Sequence[Row]) -> None:
    """executemany on the driver: pymysql folds it into multi-row INSERTs."""
    if not rows:
        return
    table, dialect = TABLES[table_name], conn.dialect
    quote, mark = dialect.identifier_preparer.quote, "?" if dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(c.name) for c in table.columns)
    marks = ", ".join(mark for _ in table.columns)
    adapt = _row_adapter(table, dialect)
    sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"
    conn.exec_driver_sql(sql, [adapt(r) for r in rows])


def prepare_session(conn: Connection) -> None:
    if is_mysql(conn.engine):  # accept '0000-00-00' like the legacy production sql_mode
        conn.exec_driver_sql("SET SESSION sql_mode = ''")


def write_rows(
    conn: Connection, rows: Iterable[tuple[str, Row]], batch_size: int = 10_000
) -> dict[str, int]:
    """Insert a (table, row) stream in batches, committing each so undo logs stay small."""
    buffers: dict[str, list[Row]] = {name: [] for name in TABLES}
    counts = dict.fromkeys(TABLES, 0)
    for table, row in rows:
        buffer = buffers[table]
        buffer.append(row)
        if len(buffer) >= batch_size:
            insert_rows(conn, table, buffer)
            conn.commit()
            counts[table] += len(buffer)
            buffer.clear()
    for table, buffer in buffers.items():
        insert_rows(conn, table, buffer)
        counts[table] += len(buffer)
    conn.commit()
    return counts
