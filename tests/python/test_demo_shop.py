"""The demo shop generator and writers, on a real MariaDB and on SQLite."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from devtools.demo_shop.generator import DemoShop, apply_changes, write_shop
from devtools.demo_shop.schema import TABLES, users, zakazy, zakazy_tovary
from devtools.harness.mariadb import MariaDBServer
from devtools.harness.paths import REPO
from tests.python.ops_support import moscow_now

SCALE = 0.002  # 200 users, 2000 orders
NOW = datetime(2026, 11, 23, 3, 0)


def query(url: str, sql: str | sa.Executable) -> list[Any]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            statement = sa.text(sql) if isinstance(sql, str) else sql
            return list(conn.execute(statement))
    finally:
        engine.dispose()


def scalar(url: str, sql: str | sa.Executable) -> Any:
    return query(url, sql)[0][0]


def _plain(value: Any, column: sa.Column[Any]) -> Any:
    # One spelling per value whichever engine stored it: SQLite keeps datetimes as text
    # with microseconds and DECIMAL as REAL (or INTEGER when whole); MariaDB hands back
    # datetime and Decimal.
    if value is None:
        return None
    if isinstance(column.type, sa.Numeric):
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.0+", value):
        return value.split(".")[0]
    return value


def table_rows(url: str, table: str) -> list[tuple[Any, ...]]:
    # Zero dates do not survive a DATE round trip in Python: read them as text.
    columns = list(TABLES[table].c)
    names = ["CAST(birthday AS CHAR)" if c.name == "birthday" else c.name for c in columns]
    rows = query(url, f"SELECT {', '.join(names)} FROM {table} ORDER BY id")
    return [tuple(_plain(v, c) for v, c in zip(row, columns, strict=True)) for row in rows]


def checksum(url: str) -> str:
    digest = hashlib.sha256()
    for table in TABLES:
        digest.update(repr(table_rows(url, table)).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def shops(mariadb: MariaDBServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The same shop in MariaDB (its own database) and in SQLite; engine -> URL."""
    urls = {
        "mariadb": mariadb.create_database("demo_shop_test"),
        "sqlite": f"sqlite:///{tmp_path_factory.mktemp('shop') / 'shop.db'}",
    }
    for url in urls.values():
        write_shop(url, SCALE)
    return urls


def test_both_engines_get_the_same_rows(shops: dict[str, str]) -> None:
    counts = {
        engine: {t: scalar(url, f"SELECT COUNT(*) FROM {t}") for t in TABLES}
        for engine, url in shops.items()
    }
    assert counts["mariadb"] == counts["sqlite"]
    assert counts["sqlite"]["zakazy"] == 2000 and counts["sqlite"]["users"] == 200
    assert 5000 < counts["sqlite"]["zakazy_tovary"] < 7000
    for table in TABLES:
        assert table_rows(shops["mariadb"], table) == table_rows(shops["sqlite"], table), table


def test_write_shop_reports_what_it_wrote(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    counts = write_shop(url, SCALE)
    assert counts == {t: scalar(url, f"SELECT COUNT(*) FROM {t}") for t in TABLES}
    streamed: dict[str, int] = dict.fromkeys(TABLES, 0)
    for table, _ in DemoShop(SCALE).rows():
        streamed[table] += 1
    assert counts == streamed


def test_same_seed_same_shop(shops: dict[str, str], tmp_path: Path) -> None:
    again, other = f"sqlite:///{tmp_path / 'again.db'}", f"sqlite:///{tmp_path / 'other.db'}"
    write_shop(again, SCALE, seed=42)
    write_shop(other, SCALE, seed=43)
    assert checksum(again) == checksum(shops["sqlite"])
    assert checksum(other) != checksum(shops["sqlite"])


def test_zero_dates_and_cyrillic_round_trip(shops: dict[str, str]) -> None:
    zero = "SELECT COUNT(*) FROM users WHERE CAST(birthday AS CHAR) = '0000-00-00'"
    assert scalar(shops["mariadb"], zero) > 0
    assert scalar(shops["mariadb"], zero) == scalar(shops["sqlite"], zero)
    for url in shops.values():
        assert scalar(url, "SELECT name FROM cities WHERE id = 1") == "Москва"
        assert scalar(url, "SELECT COUNT(*) FROM cities WHERE name = 'Нижний Новгород'") == 1
        assert scalar(url, "SELECT COUNT(*) FROM tovary WHERE name LIKE '%«%»%'") == 300


def test_the_source_quirks_are_there(shops: dict[str, str]) -> None:
    url = shops["sqlite"]
    assert {r[0] for r in query(url, "SELECT DISTINCT status FROM zakazy")} == set(range(7))
    payments = {r[0] for r in query(url, "SELECT DISTINCT payment_method FROM zakazy")}
    assert {"card", "sbp", "cash", "invoice", None} < payments
    assert any(p and p != p.strip().lower() for p in payments)
    contents = [r[0] for r in query(url, "SELECT utm_content FROM zakazy") if r[0]]
    assert any(re.fullmatch(r"(msk|мск)_\d\d?_\d\d?", c) for c in contents)
    assert any(re.fullmatch(r"[a-zа-я]+_(32_\d\d?|\d\d?_13)", c.strip().lower()) for c in contents)
    assert scalar(url, "SELECT COUNT(*) FROM tovary WHERE category IS NULL") > 0
    assert scalar(url, "SELECT COUNT(DISTINCT vk_id) = COUNT(vk_id) FROM users") == 1
    no_lines = "SELECT COUNT(*) FROM zakazy WHERE id NOT IN (SELECT zakaz_id FROM zakazy_tovary)"
    assert scalar(url, no_lines) > 0
    shared = "SELECT COUNT(*) FROM (SELECT updated_at FROM zakazy GROUP BY 1 HAVING COUNT(*) > 1)"
    assert scalar(url, shared) > 0
    # Edited orders: their lines were re-inserted later, so they carry larger ids.
    first_line = [
        r[1] for r in query(url, "SELECT zakaz_id, MIN(id) FROM zakazy_tovary GROUP BY 1")
    ]
    assert any(a > b for a, b in pairwise(first_line))
    assert scalar(url, "SELECT COUNT(*) FROM zakazy WHERE updated_at < created_at") == 0


def test_readonly_user_reads_but_cannot_write(
    mariadb: MariaDBServer, shops: dict[str, str]
) -> None:
    readonly = mariadb.url("demo_shop_test", readonly=True)
    assert scalar(readonly, "SELECT COUNT(*) FROM cities") == 10
    with pytest.raises(sa.exc.OperationalError, match="denied"):
        query(readonly, "DELETE FROM cities")


@pytest.fixture(params=["mariadb", "sqlite"])
def fresh_shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        server: MariaDBServer = request.getfixturevalue("mariadb")
        url = server.create_database(f"changes_{uuid.uuid4().hex[:8]}")
    write_shop(url, SCALE)
    yield url


def test_apply_changes_does_what_it_says(fresh_shop: str) -> None:
    url = fresh_shop
    lines_sql = sa.select(zakazy_tovary.c.zakaz_id, zakazy_tovary.c.id)
    lines_before = query(url, lines_sql)
    orders_before = scalar(url, "SELECT COUNT(*) FROM zakazy")
    users_before = scalar(url, "SELECT COUNT(*) FROM users")

    changes = apply_changes(url, seed=42, fraction=0.01, now=NOW)

    assert scalar(url, "SELECT COUNT(*) FROM zakazy") == orders_before + changes["new_orders"]
    assert scalar(url, "SELECT COUNT(*) FROM users") == users_before + changes["new_users"] > 0
    max_before = max(line_id for _, line_id in lines_before)
    lines_after = query(url, lines_sql)
    for order_id in changes["edited_orders"]:
        old = {i for o, i in lines_before if o == order_id}
        new = {i for o, i in lines_after if o == order_id}
        assert old and new and min(new) > max_before
    assert not [i for o, i in lines_after if o == changes["emptied_order"]]
    bumped = sa.select(sa.func.count()).where(zakazy.c.updated_at == NOW)
    expected = changes["new_orders"] + changes["status_changes"] + len(changes["edited_orders"])
    assert scalar(url, bumped) == expected + 1  # + the emptied order
    updated_user = sa.select(users.c.updated_at).where(users.c.id == changes["updated_user"])
    assert scalar(url, updated_user) == NOW
    assert changes["new_orders"] == 20 and changes["status_changes"] == 20

    with pytest.raises(ValueError, match="must be after"):
        apply_changes(url, seed=42, now=NOW)
    assert apply_changes(url, seed=42)["now"] > NOW  # the default: the next night


def test_a_shop_for_today_ends_now_and_the_sandbox_ads_end_that_day(tmp_path: Path) -> None:
    """`make demo`'s shop: history to yesterday 23:59, then today's changes stamped now."""
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    generator = [sys.executable, "-m", "devtools.demo_shop.generator", "--url", url]
    before = moscow_now()
    done = subprocess.run(
        [*generator, "--scale", "0.001", "--last-day", "today"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    after = moscow_now()
    assert done.returncode == 0, done.stderr
    for table in ("users", "zakazy", "zakazy_tovary"):
        newest = str(scalar(url, f"SELECT MAX(updated_at) FROM {table}"))[:19]
        assert before <= newest <= after, table
    today = json.loads((tmp_path / "shop.sqlite.json").read_text())["last_day"]
    assert today in (before[:10], after[:10])
    history = sa.text("SELECT MAX(created_at) FROM zakazy WHERE updated_at < :today")
    newest_history = str(query(url, history.bindparams(today=today))[0][0])
    assert newest_history.startswith(str(date.fromisoformat(today) - timedelta(days=1)))

    show = "import os; print(os.environ['ADS_TO_DATE'])"
    done = subprocess.run(
        [sys.executable, "-m", "devtools.sandbox.with_sandbox", "--", sys.executable, "-c", show],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "SHOP_DB_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"ads up to {today}" in done.stdout  # the sandbox's ad accounts end that day
    assert done.stdout.splitlines()[-1] == today  # and the ad platforms are loaded up to it
