"""Write-audit-publish: dbt builds the marts in `marts_build`, tests them there, and swaps
them into `marts` only when no error-severity test failed. Bad data that would make a number
wrong keeps yesterday's marts, all of them, and names the test; a warning publishes.

One shop and one warehouse for the module; the tests run in file order, each a night."""

from __future__ import annotations

import re
from typing import Any

import pytest

from devtools.demo_shop.generator import write_shop
from devtools.harness.fingerprint import Fingerprints, mart_fingerprints
from devtools.harness.mariadb import mysql
from devtools.harness.warehouse import Warehouse, assert_ok

MARTS = (
    "dim_users",
    "fct_order_items",
    "fct_orders",
    "mart_dimension_metrics",
    "mart_dimension_top_products",
)
NOT_PUBLISHED = "marts not published"


@pytest.fixture(scope="module")
def night(mariadb: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    admin_url = mariadb.create_database("publish_shop")
    write_shop(admin_url, scale=0.002, seed=7)
    root = tmp_path_factory.mktemp("publish")
    warehouse = Warehouse(root, mariadb.url("publish_shop", readonly=True))
    return {"admin": admin_url, "warehouse": warehouse, "locks": str(root / "locks")}


def fingerprints(warehouse: Warehouse) -> Fingerprints:
    return mart_fingerprints(warehouse, MARTS)


def run_night(night: dict[str, Any]) -> Any:
    warehouse: Warehouse = night["warehouse"]
    assert_ok(warehouse.load(RUN_LOCK_DIR=night["locks"]))
    return warehouse.night_build()


def a_counted_order(admin: str) -> int:
    return int(
        mysql(
            admin,
            "SELECT MIN(z.id) FROM zakazy z JOIN zakazy_tovary zt"
            " ON zt.zakaz_id = z.id WHERE z.status IN (1, 6)",
        )
    )


def test_first_night_publishes_every_mart(night: dict[str, Any]) -> None:
    done = run_night(night)
    assert_ok(done)
    tables = night["warehouse"].query(
        "SELECT database, name FROM system.tables WHERE database IN ('marts', 'marts_build')"
    )
    published = sorted(name for db, name in tables if db == "marts")
    assert set(MARTS) <= set(published)
    assert f"published {len(published)} mart(s) to marts" in done.stdout
    night["published"] = fingerprints(night["warehouse"])
    assert all(count > 0 for count, _ in night["published"].values())


def test_negative_quantity_keeps_yesterdays_marts(night: dict[str, Any]) -> None:
    admin, warehouse = night["admin"], night["warehouse"]
    order = a_counted_order(admin)
    line = mysql(admin, f"SELECT MIN(id) FROM zakazy_tovary WHERE zakaz_id = {order}")
    mysql(
        admin,
        # the shop makes quantity signed for return lines
        "ALTER TABLE zakazy_tovary MODIFY quantity INT NOT NULL",
        f"UPDATE zakazy_tovary SET quantity = -3 WHERE id = {line}",
        f"UPDATE zakazy SET updated_at = NOW() WHERE id = {order}",
    )
    done = run_night(night)
    assert done.returncode != 0
    assert NOT_PUBLISHED in done.stdout
    assert "accepted_range_stg_mysql__order_lines_quantity" in done.stdout
    # the sign survives to staging (not 4294967293), and no mart moved
    staged = warehouse.query(
        f"SELECT quantity FROM staging.stg_mysql__order_lines WHERE line_id = {line}"
    )
    assert staged == [[-3]]
    assert fingerprints(warehouse) == night["published"]
    mysql(admin, f"UPDATE zakazy_tovary SET quantity = 3 WHERE id = {line}")
    mysql(admin, f"UPDATE zakazy SET updated_at = NOW() WHERE id = {order}")


def test_unknown_status_warns_and_publishes(night: dict[str, Any]) -> None:
    admin, warehouse = night["admin"], night["warehouse"]
    order = a_counted_order(admin)
    mysql(admin, f"UPDATE zakazy SET status = 9 WHERE id = {order}")
    done = run_night(night)
    assert_ok(done)
    assert "WARN" in done.stdout and "relationships_stg_mysql__orders_status" in done.stdout
    assert re.search(r"published \d+ mart\(s\) to marts", done.stdout)
    # simply not counted
    assert warehouse.query(f"SELECT count() FROM marts.fct_orders WHERE order_id = {order}") == [
        [0]
    ]
    night["published"] = fingerprints(warehouse)


def test_orphan_user_keeps_every_mart_of_the_previous_night(night: dict[str, Any]) -> None:
    admin, warehouse = night["admin"], night["warehouse"]
    order = a_counted_order(admin)
    mysql(admin, f"UPDATE zakazy SET user_id = 999999 WHERE id = {order}")
    done = run_night(night)
    assert done.returncode != 0
    assert NOT_PUBLISHED in done.stdout
    assert "relationships_stg_mysql__orders_user_id" in done.stdout
    # fct_* and the segment marts alike: all of them are the previous night's
    assert fingerprints(warehouse) == night["published"]
