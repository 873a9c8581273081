"""The MySQL loader against a real MariaDB and an embedded warehouse, via `make load`'s CLI.

The expected numbers come from MariaDB itself (plain SQL over the source tables), never from
the code under test. Every test stands alone, in any order: fixtures build the states (a shop
that is never changed, its first load, the marts built on it), and a test that changes
something works on its own copy of the warehouse (and its own shop database).
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from devtools.demo_shop.generator import apply_changes, write_shop
from devtools.harness.fingerprint import mart_fingerprints
from devtools.harness.mariadb import MariaDBServer
from devtools.harness.paths import free_port
from devtools.harness.warehouse import Warehouse, assert_ok

TABLES = ("cities", "users", "tovary", "zakazy", "zakazy_tovary")
MARTS = ("fct_orders", "fct_order_items", "dim_users")
COUNTED = "(1, 6)"
SCALE, SEED = 0.002, 7


def new_shop(mariadb: MariaDBServer) -> tuple[str, str]:
    """A fresh shop database: (admin URL, the loader's read-only URL)."""
    name = f"loader_{uuid.uuid4().hex[:8]}"
    admin_url = mariadb.create_database(name)
    write_shop(admin_url, scale=SCALE, seed=SEED)
    return admin_url, mariadb.url(name, readonly=True)


@pytest.fixture(scope="module")
def shop(mariadb: MariaDBServer) -> tuple[str, str]:
    """The shop the module's warehouses load; no test changes it."""
    return new_shop(mariadb)


@pytest.fixture(scope="module")
def first_load(
    shop: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Warehouse, subprocess.CompletedProcess[str]]:
    """A new warehouse after its first `make load` (not asserted: tests judge it)."""
    warehouse = Warehouse(tmp_path_factory.mktemp("wh"), shop[1])
    return warehouse, warehouse.load()


@pytest.fixture(scope="module")
def built(first_load: tuple[Warehouse, subprocess.CompletedProcess[str]]) -> Warehouse:
    """That warehouse after a good first load and `dbt build`; tests only read it."""
    warehouse, load = first_load
    assert_ok(load)
    assert_ok(warehouse.night_build())
    return warehouse


def copy_of(warehouse: Warehouse, root: Path, shop_db_url: str | None = None) -> Warehouse:
    """A warehouse of its own with the same contents (chDB links its tables relatively)."""
    shutil.copytree(warehouse.root / "warehouse", root / "warehouse", symlinks=True)
    return Warehouse(root, shop_db_url or warehouse.shop_db_url)


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
    assert_ok(warehouse.night_build())


def assert_marts_match_mysql(warehouse: Warehouse, url: str) -> None:
    # one query (one engine start) for the four figures of the marts
    [[orders, mart_revenue, mart_lines, mart_users]] = warehouse.query(
        "SELECT (SELECT groupArray(order_id) FROM marts.fct_orders),"
        " (SELECT toString(sum(revenue)) FROM marts.fct_orders),"
        " (SELECT groupArray(line_id) FROM marts.fct_order_items),"
        " (SELECT count() FROM marts.dim_users)"
    )
    counted = mysql_ids(url, f"SELECT id FROM zakazy WHERE status IN {COUNTED}")
    assert set(orders) == counted

    revenue = mysql_scalar(
        url,
        "SELECT SUM(zt.quantity * zt.price) FROM zakazy_tovary zt"
        f" JOIN zakazy z ON z.id = zt.zakaz_id WHERE z.status IN {COUNTED}",
    )
    assert float(mart_revenue) == pytest.approx(float(revenue), abs=0.005)

    lines = mysql_ids(
        url,
        "SELECT zt.id FROM zakazy_tovary zt JOIN zakazy z ON z.id = zt.zakaz_id"
        f" WHERE z.status IN {COUNTED}",
    )
    assert set(mart_lines) == lines

    users = mysql_scalar(url, "SELECT COUNT(*) FROM users")
    assert mart_users == users


def test_first_load_lands_every_table(
    first_load: tuple[Warehouse, subprocess.CompletedProcess[str]], shop: tuple[str, str]
) -> None:
    warehouse, done = first_load
    assert_ok(done)

    names = {
        row[0] for row in warehouse.query("SELECT name FROM system.tables WHERE database = 'raw'")
    }
    dlt_tables = {"mysql___dlt_loads", "mysql___dlt_pipeline_state", "mysql___dlt_version"}
    tables = {n for n in names if n.startswith("mysql__") and n not in dlt_tables}
    tables.discard("mysql__dlt_sentinel_table")
    assert tables == {f"mysql__{t}" for t in TABLES}
    for table in TABLES:
        expected = mysql_scalar(shop[0], f"SELECT COUNT(*) FROM {table}")
        assert warehouse.query(f"SELECT count() FROM raw.mysql__{table}")[0][0] == expected
        # the load id (.dlt/config.toml) that tells current order lines from stale ones
        landed = warehouse.query(f"SELECT countIf(_dlt_load_id != '') FROM raw.mysql__{table}")
        assert landed[0][0] == expected


def test_quirky_values_survive(
    first_load: tuple[Warehouse, subprocess.CompletedProcess[str]], shop: tuple[str, str]
) -> None:
    warehouse, done = first_load
    assert_ok(done)
    zero_dates = mysql_scalar(
        shop[0], "SELECT COUNT(*) FROM users WHERE CAST(birthday AS CHAR) = '0000-00-00'"
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

    cities = mysql_ids(shop[0], "SELECT id FROM cities WHERE name = 'Москва'")
    moscow = warehouse.query("SELECT id FROM raw.mysql__cities WHERE name = 'Москва'")
    assert {row[0] for row in moscow} == cities


def test_marts_equal_the_source(built: Warehouse, shop: tuple[str, str]) -> None:
    assert_marts_match_mysql(built, shop[0])


def test_rerun_on_unchanged_source_changes_no_mart_row(built: Warehouse, tmp_path: Path) -> None:
    warehouse = copy_of(built, tmp_path)
    before = mart_fingerprints(warehouse, MARTS)
    raw_before = warehouse.query("SELECT count(), uniqExact(id) FROM raw.mysql__zakazy_tovary")
    nightly_job(warehouse)
    assert mart_fingerprints(warehouse, MARTS) == before
    assert (
        warehouse.query("SELECT count(), uniqExact(id) FROM raw.mysql__zakazy_tovary") == raw_before
    )


def test_nightly_changes_are_reflected(
    built: Warehouse, mariadb: MariaDBServer, tmp_path: Path
) -> None:
    # the same shop in a database of its own (same seed), which this test then changes
    admin_url, readonly_url = new_shop(mariadb)
    warehouse = copy_of(built, tmp_path, readonly_url)
    changes = apply_changes(admin_url, seed=SEED, fraction=0.05)
    nightly_job(warehouse)

    assert_marts_match_mysql(warehouse, admin_url)
    emptied = changes["emptied_order"]
    stale = warehouse.query(f"SELECT count() FROM marts.fct_order_items WHERE order_id = {emptied}")
    assert stale[0][0] == 0
    for order_id in changes["edited_orders"]:
        current = mysql_ids(admin_url, f"SELECT id FROM zakazy_tovary WHERE zakaz_id = {order_id}")
        status = mysql_scalar(admin_url, f"SELECT status FROM zakazy WHERE id = {order_id}")
        landed = warehouse.query(
            f"SELECT line_id FROM marts.fct_order_items WHERE order_id = {order_id}"
        )
        assert {row[0] for row in landed} == (current if status in (1, 6) else set())


def test_unreachable_mysql_fails_in_one_line_and_touches_nothing(
    built: Warehouse, tmp_path: Path
) -> None:
    warehouse = copy_of(built, tmp_path)
    raw_before = warehouse.query(
        "SELECT name, total_rows FROM system.tables WHERE database = 'raw' ORDER BY name"
    )
    marts_before = mart_fingerprints(warehouse, MARTS)
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
    assert mart_fingerprints(warehouse, MARTS) == marts_before
