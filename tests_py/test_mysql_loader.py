"""The MySQL loader against a real MariaDB and an embedded warehouse, via `make load`'s CLI.

The expected numbers come from MariaDB itself (plain SQL over the source tables), never from
the code under test. The scenario runs in file order: first load, a re-run, a night of
changes, then a dead MySQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from harness.paths import free_port
from harness.warehouse import Warehouse, assert_ok
from loaders.sandbox.demo_shop import apply_changes, write_shop

TABLES = ("cities", "users", "tovary", "zakazy", "zakazy_tovary")
MARTS = ("fct_orders", "fct_order_items", "dim_users")
COUNTED = "(1, 6)"


@pytest.fixture(scope="module")
def shop(mariadb: Any) -> Iterator[Any]:
    write_shop(mariadb.admin_url, scale=0.002, seed=7)
    yield mariadb


@pytest.fixture(scope="module")
def warehouse(shop: Any, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return Warehouse(tmp_path_factory.mktemp("wh"), shop.readonly_url)


def mysql_scalar(url: str, sql: str) -> Any:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def mysql_ids(url: str, sql: str) -> set[int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {int(row[0]) for row in conn.execute(sa.text(sql))}
    finally:
        engine.dispose()


def nightly_job(warehouse: Warehouse) -> None:
    assert_ok(warehouse.load())
    assert_ok(warehouse.dbt("build"))


def mart_fingerprints(warehouse: Warehouse) -> dict[str, list[Any]]:
    return {
        mart: warehouse.query(f"SELECT count(), sum(cityHash64(*)) FROM marts.{mart}")[0]
        for mart in MARTS
    }


def assert_marts_match_mysql(warehouse: Warehouse, url: str) -> None:
    counted = mysql_ids(url, f"SELECT id FROM zakazy WHERE status IN {COUNTED}")
    orders = {row[0] for row in warehouse.query("SELECT order_id FROM marts.fct_orders")}
    assert orders == counted

    revenue = mysql_scalar(
        url,
        "SELECT SUM(zt.quantity * zt.price) FROM zakazy_tovary zt"
        f" JOIN zakazy z ON z.id = zt.zakaz_id WHERE z.status IN {COUNTED}",
    )
    mart_revenue = warehouse.query("SELECT toString(sum(revenue)) FROM marts.fct_orders")[0][0]
    assert float(mart_revenue) == pytest.approx(float(revenue), abs=0.005)

    lines = mysql_ids(
        url,
        "SELECT zt.id FROM zakazy_tovary zt JOIN zakazy z ON z.id = zt.zakaz_id"
        f" WHERE z.status IN {COUNTED}",
    )
    mart_lines = {row[0] for row in warehouse.query("SELECT line_id FROM marts.fct_order_items")}
    assert mart_lines == lines

    users = mysql_scalar(url, "SELECT COUNT(*) FROM users")
    assert warehouse.query("SELECT count() FROM marts.dim_users")[0][0] == users


def test_first_load_lands_every_table(warehouse: Warehouse, shop: Any) -> None:
    done = warehouse.load()
    assert_ok(done)

    names = {
        row[0] for row in warehouse.query("SELECT name FROM system.tables WHERE database = 'raw'")
    }
    dlt_tables = {"mysql___dlt_loads", "mysql___dlt_pipeline_state", "mysql___dlt_version"}
    tables = {n for n in names if n.startswith("mysql__") and n not in dlt_tables}
    tables.discard("mysql__dlt_sentinel_table")
    assert tables == {f"mysql__{t}" for t in TABLES}
    for table in TABLES:
        expected = mysql_scalar(shop.admin_url, f"SELECT COUNT(*) FROM {table}")
        assert warehouse.query(f"SELECT count() FROM raw.mysql__{table}")[0][0] == expected


def test_quirky_values_survive(warehouse: Warehouse, shop: Any) -> None:
    zero_dates = mysql_scalar(
        shop.admin_url, "SELECT COUNT(*) FROM users WHERE CAST(birthday AS CHAR) = '0000-00-00'"
    )
    assert zero_dates > 0
    landed = warehouse.query("SELECT count() FROM raw.mysql__users WHERE birthday = '0000-00-00'")
    assert landed[0][0] == zero_dates

    money = warehouse.query(
        "SELECT table, name, type FROM system.columns WHERE database = 'raw'"
        " AND name IN ('price', 'delivery_cost') AND table NOT LIKE '%staging%' ORDER BY table"
    )
    assert money == [
        ["mysql__tovary", "price", "Decimal(12, 2)"],
        ["mysql__zakazy", "delivery_cost", "Decimal(12, 2)"],
        ["mysql__zakazy_tovary", "price", "Decimal(12, 2)"],
    ]

    cities = mysql_ids(shop.admin_url, "SELECT id FROM cities WHERE name = 'Москва'")
    moscow = warehouse.query("SELECT id FROM raw.mysql__cities WHERE name = 'Москва'")
    assert {row[0] for row in moscow} == cities


def test_marts_equal_the_source(warehouse: Warehouse, shop: Any) -> None:
    assert_ok(warehouse.dbt("build"))
    assert_marts_match_mysql(warehouse, shop.admin_url)


def test_rerun_on_unchanged_source_changes_no_mart_row(warehouse: Warehouse) -> None:
    before = mart_fingerprints(warehouse)
    raw_before = warehouse.query("SELECT count(), uniqExact(id) FROM raw.mysql__zakazy_tovary")
    nightly_job(warehouse)
    assert mart_fingerprints(warehouse) == before
    assert (
        warehouse.query("SELECT count(), uniqExact(id) FROM raw.mysql__zakazy_tovary") == raw_before
    )


def test_nightly_changes_are_reflected(warehouse: Warehouse, shop: Any) -> None:
    changes = apply_changes(shop.admin_url, seed=7, fraction=0.05)
    nightly_job(warehouse)

    assert_marts_match_mysql(warehouse, shop.admin_url)
    emptied = changes["emptied_order"]
    stale = warehouse.query(f"SELECT count() FROM marts.fct_order_items WHERE order_id = {emptied}")
    assert stale[0][0] == 0
    for order_id in changes["edited_orders"]:
        current = mysql_ids(
            shop.admin_url, f"SELECT id FROM zakazy_tovary WHERE zakaz_id = {order_id}"
        )
        status = mysql_scalar(shop.admin_url, f"SELECT status FROM zakazy WHERE id = {order_id}")
        landed = warehouse.query(
            f"SELECT line_id FROM marts.fct_order_items WHERE order_id = {order_id}"
        )
        assert {row[0] for row in landed} == (current if status in (1, 6) else set())


def test_unreachable_mysql_fails_in_one_line_and_touches_nothing(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    raw_before = warehouse.query(
        "SELECT name, total_rows FROM system.tables WHERE database = 'raw' ORDER BY name"
    )
    marts_before = mart_fingerprints(warehouse)
    dead = f"mysql+pymysql://loader:S3cretPassw0rd@127.0.0.1:{free_port()}/shop"

    done = warehouse.load(SHOP_DB_URL=dead)

    assert done.returncode != 0
    failures = [line for line in done.stderr.splitlines() if line.startswith("load failed")]
    assert len(failures) == 1, done.stderr
    assert "source mysql" in failures[0] and "127.0.0.1" in failures[0]
    assert "S3cretPassw0rd" not in done.stdout + done.stderr
    assert (
        warehouse.query(
            "SELECT name, total_rows FROM system.tables WHERE database = 'raw' ORDER BY name"
        )
        == raw_before
    )
    assert mart_fingerprints(warehouse) == marts_before
