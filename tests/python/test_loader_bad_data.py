"""Bad source data and source schema changes, against a real MariaDB and an embedded
warehouse: nothing changes meaning on the way, and everything unusual is reported in the
load's output and in raw.mysql__load_events. Each test has its own shop database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.demo_shop.generator import write_shop
from devtools.harness.mariadb import mysql
from devtools.harness.warehouse import Warehouse, assert_ok

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

Shop = Callable[[str], tuple[str, Warehouse]]


@pytest.fixture
def shop(mariadb: Any, tmp_path: Path) -> Shop:
    """A fresh small shop in its own database, loaded once; (admin URL, warehouse)."""

    def make(name: str) -> tuple[str, Warehouse]:
        admin_url = mariadb.create_database(name)
        write_shop(admin_url, scale=0.001, seed=11)
        warehouse = Warehouse(tmp_path, mariadb.url(name, readonly=True))
        assert_ok(warehouse.load(RUN_LOCK_DIR=str(tmp_path / "locks")))
        return admin_url, warehouse

    return make


def latest(warehouse: Warehouse, table: str, column: str, row_id: int) -> Any:
    rows = warehouse.query(
        f"SELECT {column} FROM raw.mysql__{table} WHERE id = {row_id}"
        " ORDER BY _dlt_load_id DESC LIMIT 1"
    )
    assert rows, f"id {row_id} not in raw.mysql__{table}"
    return rows[0][0]


def events(warehouse: Warehouse) -> set[tuple[str, str, str]]:
    rows = warehouse.query("SELECT table_name, column_name, change FROM raw.mysql__load_events")
    return {tuple(row) for row in rows}


def column_type(warehouse: Warehouse, table: str, column: str) -> str:
    rows = warehouse.query(
        "SELECT type FROM system.columns WHERE database = 'raw'"
        f" AND table = 'mysql__{table}' AND name = '{column}'"
    )
    return str(rows[0][0])


def load(warehouse: Warehouse, tmp_path: Path) -> Any:
    return warehouse.load(RUN_LOCK_DIR=str(tmp_path / "locks"))


def test_future_row_is_loaded_but_does_not_poison_the_cursor(shop: Shop, tmp_path: Path) -> None:
    admin, warehouse = shop("future_rows")
    first = mysql(admin, "SELECT id FROM zakazy ORDER BY id LIMIT 1")
    second = mysql(admin, "SELECT id FROM zakazy ORDER BY id LIMIT 1 OFFSET 1")
    mysql(
        admin,
        "UPDATE zakazy SET payment_method = 'future', updated_at = NOW() + INTERVAL 7 DAY"
        f" WHERE id = {first}",
    )
    done = load(warehouse, tmp_path)
    assert_ok(done)
    assert "table zakazy column updated_at: future_rows [1 row(s)]" in done.stderr
    assert latest(warehouse, "zakazy", "payment_method", first) == "future"  # loaded
    assert ("zakazy", "updated_at", "future_rows") in events(warehouse)

    # tonight's ordinary edit, dated now: before the fix the cursor sat a week ahead
    mysql(admin, f"UPDATE zakazy SET payment_method = 'tonight' WHERE id = {second}")
    assert_ok(load(warehouse, tmp_path))
    assert latest(warehouse, "zakazy", "payment_method", second) == "tonight"


def test_columns_that_become_nullable_keep_null(shop: Shop, tmp_path: Path) -> None:
    admin, warehouse = shop("nullable_later")
    assert column_type(warehouse, "zakazy", "user_id") == "Int64"  # NOT NULL in the source
    order, product = (
        mysql(admin, "SELECT MIN(id) FROM zakazy"),
        mysql(admin, "SELECT MIN(id) FROM tovary"),
    )
    new_order = mysql(admin, "SELECT MAX(id) + 1000 FROM zakazy")
    mysql(
        admin,
        "ALTER TABLE zakazy MODIFY user_id INT UNSIGNED NULL, MODIFY updated_at DATETIME NULL"
        " DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP",
        "ALTER TABLE tovary MODIFY price DECIMAL(12, 2) NULL",
        f"UPDATE zakazy SET user_id = NULL WHERE id = {order}",
        f"UPDATE tovary SET price = NULL WHERE id = {product}",
        "INSERT INTO zakazy (id, user_id, status, created_at, updated_at)"
        f" VALUES ({new_order}, 1, 1, NOW(), NULL)",
    )
    done = load(warehouse, tmp_path)
    assert_ok(done)
    # NULL, not 0 / 0.00; and the order without updated_at is there, not skipped
    assert latest(warehouse, "zakazy", "user_id", order) is None
    assert latest(warehouse, "tovary", "price", product) is None
    assert latest(warehouse, "zakazy", "status", new_order) == 1
    assert latest(warehouse, "zakazy", "updated_at", new_order) is None
    assert column_type(warehouse, "zakazy", "user_id") == "Nullable(Int64)"
    assert column_type(warehouse, "tovary", "price") == "Nullable(Decimal(12, 2))"
    assert "table zakazy column user_id: became_nullable" in done.stderr
    assert "table zakazy column updated_at: null_cursor [1 row(s)]" in done.stderr
    assert {
        ("zakazy", "user_id", "became_nullable"),
        ("tovary", "price", "became_nullable"),
        ("zakazy", "updated_at", "null_cursor"),
    } <= events(warehouse)


def test_dropped_column_is_reported(shop: Shop, tmp_path: Path) -> None:
    admin, warehouse = shop("dropped_column")
    order = mysql(admin, "SELECT MIN(id) FROM zakazy WHERE utm_source IS NOT NULL")
    mysql(
        admin,
        "ALTER TABLE zakazy DROP COLUMN utm_source",
        f"UPDATE zakazy SET status = 2 WHERE id = {order}",
    )
    done = load(warehouse, tmp_path)
    assert_ok(done)
    assert "table zakazy column utm_source: dropped_or_renamed" in done.stderr
    assert ("zakazy", "utm_source", "dropped_or_renamed") in events(warehouse)
    assert latest(warehouse, "zakazy", "status", order) == 2  # the table still loads


def test_lossy_type_change_stops_that_table_in_one_line(shop: Shop, tmp_path: Path) -> None:
    admin, warehouse = shop("lossy_change")
    product = mysql(admin, "SELECT MIN(id) FROM tovary")
    user = mysql(admin, "SELECT MIN(id) FROM users")
    mysql(
        admin,
        "ALTER TABLE tovary MODIFY price DECIMAL(14, 3) NOT NULL",
        f"UPDATE tovary SET price = 10.125 WHERE id = {product}",
        "ALTER TABLE zakazy MODIFY status VARCHAR(16) NOT NULL",
        f"UPDATE users SET birthday = '1987-06-05' WHERE id = {user}",
    )
    done = load(warehouse, tmp_path)
    assert done.returncode == 1
    failed = [line for line in done.stderr.splitlines() if line.startswith("load failed: source")]
    assert len(failed) == 1
    assert "table tovary column price: lossy_type_change" in failed[0]
    assert "table zakazy column status: lossy_type_change" in failed[0]
    assert "Traceback" not in done.stderr
    assert latest(warehouse, "tovary", "price", product) != "10.125"  # not truncated to 10.12
    assert latest(warehouse, "users", "birthday", user) == "1987-06-05"  # other tables load
    assert ("tovary", "price", "lossy_type_change") in events(warehouse)
