"""Incremental marts equal a full refresh after every kind of change a night can bring.

One tiny shop in its own MariaDB database; a module fixture runs the nights in sequence, and
after each one compares every mart cell for cell (row count and a hash over all columns,
summed) between the incremental `dbt run` and a `dbt run --full-refresh` of the same raw
data (`Warehouse.full_refresh`: the incremental models and all downstream of them). The
expected marts are the full refresh's: the incremental path must reach them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from devtools.demo_shop.generator import apply_changes, write_shop
from devtools.harness.fingerprint import Fingerprints, mart_fingerprints
from devtools.harness.mariadb import shop_rows as shop_sql
from devtools.harness.warehouse import Warehouse, assert_ok

pytestmark = pytest.mark.long_module  # minutes of nights: xdist starts it first

MARTS = (
    "fct_orders",
    "fct_order_items",
    "dim_users",
    "mart_dimension_metrics",
    "mart_dimension_top_products",
    "mart_customer_cohorts",
    "mart_campaign_daily",
)
COUNTED = "(1, 6)"
# as_of_date around a 25th birthday, and across a month end: every cohort gains a month
BEFORE_BIRTHDAY, ON_BIRTHDAY = "2026-11-30", "2026-12-01"


# Orders whose row, a line or a product sits at the loader's cursor (the newest updated_at):
# the loader re-reads those rows on every run.
CURSOR_TIES = (
    "select id from zakazy where updated_at = (select max(updated_at) from zakazy)"
    " union select zakaz_id from zakazy_tovary"
    " where updated_at = (select max(updated_at) from zakazy_tovary)"
    " union select zakaz_id from zakazy_tovary where tovar_id in"
    " (select id from tovary where updated_at = (select max(updated_at) from tovary))"
)


def fingerprint(warehouse: Warehouse) -> Fingerprints:
    return mart_fingerprints(warehouse, MARTS)


class Nights:
    """Runs one night after another on one shop and warehouse, keeping each night's result."""

    def __init__(self, url: str, warehouse: Warehouse) -> None:
        self.url, self.warehouse, self.night = url, warehouse, 0
        self.results: dict[str, tuple[Fingerprints, Fingerprints, set[int]]] = {}
        self.cursor_ties: set[int] = set()
        self.orders = 0

    def stamp(self) -> str:
        """An updated_at later than every row so far (the generator ends on 2026-11-22) and
        earlier than the shop's clock, so the loader's cursor moves on as in production (a
        future one is re-read every night)."""
        self.night += 1
        return f"2026-11-23 {self.night:02d}:00:00"

    def run(self, name: str, change: Callable[[str], object], as_of: str = BEFORE_BIRTHDAY) -> None:
        change(self.stamp())
        assert_ok(self.warehouse.load())
        variables = f"{{as_of_date: '{as_of}'}}"
        assert_ok(self.warehouse.dbt("run", "--vars", variables))
        incremental = fingerprint(self.warehouse)
        changed = self.warehouse.query(
            "select distinct order_id from intermediate.int_changed_orders"
        )
        assert_ok(self.warehouse.full_refresh("--vars", variables))
        self.results[name] = (incremental, fingerprint(self.warehouse), {r[0] for r in changed})


def refund_oldest_and_count_an_old_one(url: str, now: str) -> None:
    """The oldest counted order is refunded; an old uncounted order of a user with later
    orders becomes counted (their user_order_seq moves)."""
    oldest = shop_sql(url, f"select min(id) from zakazy where status in {COUNTED}")[0][0]
    revived = shop_sql(
        url,
        f"select z.id from zakazy z where z.status not in {COUNTED} and exists (select 1 from "
        "zakazy later where later.user_id = z.user_id and later.created_at > z.created_at "
        f"and later.status in {COUNTED}) order by z.id limit 1",
    )[0][0]
    shop_sql(
        url,
        f"update zakazy set status = 4, updated_at = '{now}' where id = {oldest}",
        f"update zakazy set status = 6, updated_at = '{now}' where id = {revived}",
    )


def edit_redate_and_rename(url: str, now: str) -> None:
    """An old order's lines are replaced; another old order is re-dated by a month; a product
    is renamed; a city is renamed."""
    edited, redated = (
        row[0]
        for row in shop_sql(
            url,
            f"select id from zakazy where status in {COUNTED} and id in "
            "(select zakaz_id from zakazy_tovary) order by id limit 2",
        )
    )
    next_line = shop_sql(url, "select max(id) + 1 from zakazy_tovary")[0][0]
    shop_sql(
        url,
        f"delete from zakazy_tovary where zakaz_id = {edited}",
        "insert into zakazy_tovary (id, zakaz_id, tovar_id, quantity, price, updated_at) values "
        f"({next_line}, {edited}, 1, 3, 99.90, '{now}'), "
        f"({next_line + 1}, {edited}, 2, 1, 10.00, '{now}')",
        f"update zakazy set updated_at = '{now}' where id = {edited}",
        "update zakazy set created_at = created_at + interval 31 day, "
        f"updated_at = '{now}' where id = {redated}",
        f"update tovary set name = 'Переименованный товар', updated_at = '{now}' where id = 1",
        "update cities set name = 'Новый Город' where id = 2",
    )


def change_sex_of_a_busy_user(url: str, now: str) -> None:
    """The user with the most counted orders changes the shop gender they told."""
    user = shop_sql(
        url,
        f"select user_id from zakazy where status in {COUNTED} group by user_id "
        "order by count(*) desc, user_id limit 1",
    )[0][0]
    shop_sql(
        url,
        "update users set gender = if(gender = 'm', 'f', 'm'), "
        f"updated_at = '{now}' where id = {user}",
    )


def give_a_buyer_a_birthday(url: str, now: str) -> None:
    """A buyer born 2001-12-01: 24 ('18-24') on BEFORE_BIRTHDAY, 25 ('25-34') ON_BIRTHDAY."""
    user = shop_sql(
        url,
        f"select user_id from zakazy where status in {COUNTED} group by user_id "
        "order by count(*) desc, user_id limit 1 offset 1",
    )[0][0]
    shop_sql(
        url, f"update users set birthday = '2001-12-01', updated_at = '{now}' where id = {user}"
    )


def a_user_with_orders(url: str, nth: int) -> int:
    """The nth user (by id, from 0) with at least three counted orders, none with a product
    the loader re-reads every night (at its cursor: then all the user's orders are rebuilt)."""
    return int(
        shop_sql(
            url,
            f"select user_id from zakazy where status in {COUNTED} and user_id not in ("
            "select z.user_id from zakazy z join zakazy_tovary l on l.zakaz_id = z.id "
            "where l.tovar_id in (select id from tovary where updated_at = "
            "(select max(updated_at) from tovary))) "
            f"group by user_id having count(*) >= 3 order by user_id limit 1 offset {nth}",
        )[0][0]
    )


def redate_a_latest_order_first(url: str, now: str, user: int) -> None:
    """The user's latest counted order is re-dated to the day before their first order (its
    user_order_seq becomes 1, every other order's moves by one)."""
    latest = shop_sql(
        url,
        f"select id from zakazy where user_id = {user} and status in {COUNTED} "
        "order by created_at desc, id desc limit 1",
    )[0][0]
    shop_sql(
        url,
        "update zakazy set created_at = (select first_at from (select min(created_at) "
        f"- interval 1 day as first_at from zakazy where user_id = {user}) as first_order), "
        f"updated_at = '{now}' where id = {latest}",
    )


def change_a_latest_order(url: str, now: str, user: int) -> None:
    """The user's latest counted order changes: only it is rebuilt (rebuilt_from is its
    created_at), numbered after the user's earlier orders, the re-dated one among them."""
    shop_sql(
        url,
        f"update zakazy set delivery_cost = delivery_cost + 1, updated_at = '{now}' "
        f"where id = (select id from (select id from zakazy where user_id = {user} and status "
        f"in {COUNTED} order by created_at desc, id desc limit 1) as latest_order)",
    )


def nothing(now: str) -> None:
    """A night without changes in the shop."""


@pytest.fixture(scope="module")
def nights(mariadb: Any, tmp_path_factory: pytest.TempPathFactory) -> Nights:
    url = mariadb.create_database("incremental")
    write_shop(url, scale=0.002, seed=11)
    warehouse = Warehouse(
        tmp_path_factory.mktemp("incremental"), mariadb.url("incremental", readonly=True)
    )
    assert_ok(warehouse.load())
    assert_ok(warehouse.night_build("--vars", f"{{as_of_date: '{BEFORE_BIRTHDAY}'}}"))
    runs = Nights(url, warehouse)
    runs.cursor_ties = {int(row[0]) for row in shop_sql(url, CURSOR_TIES)}
    runs.orders = shop_sql(url, "select count(*) from zakazy")[0][0]
    runs.run("nothing", nothing)
    runs.run("status", lambda now: refund_oldest_and_count_an_old_one(url, now))
    runs.run("edit", lambda now: edit_redate_and_rename(url, now))
    runs.run("sex", lambda now: change_sex_of_a_busy_user(url, now))
    runs.run("birthday_set", lambda now: give_a_buyer_a_birthday(url, now))
    runs.run("birthday_reached", nothing, as_of=ON_BIRTHDAY)
    # the loader re-reads the rows at its cursor once more (ties included): the user's changed
    # order comes without the re-dated one only the night after the next
    redated, other = a_user_with_orders(url, 0), a_user_with_orders(url, 1)
    runs.run("redated_first", partial(redate_a_latest_order_first, url, user=redated), ON_BIRTHDAY)
    runs.run("other_user", partial(change_a_latest_order, url, user=other), ON_BIRTHDAY)
    runs.run("after_redated", partial(change_a_latest_order, url, user=redated), ON_BIRTHDAY)

    # a failed night: the facts and dim_users are rebuilt, the segment marts and the watermark
    # are not; the next night must still reach the full refresh (the re-dated order's old
    # period and the user's old segment are only known to that failed night)
    def failed_night_changes(now: str) -> None:
        refund_oldest_and_count_an_old_one(url, now)
        edit_redate_and_rename(url, now)
        change_sex_of_a_busy_user(url, now)

    failed_night_changes(runs.stamp())
    assert_ok(warehouse.load())
    on_birthday = f"{{as_of_date: '{ON_BIRTHDAY}'}}"
    assert_ok(warehouse.dbt("run", "-s", "+fct_order_items", "+dim_users", "--vars", on_birthday))
    runs.run("after_failed", lambda now: apply_changes(url, seed=3, fraction=0.05), ON_BIRTHDAY)
    return runs


@pytest.mark.parametrize(
    "night",
    [
        "nothing",
        "status",
        "edit",
        "sex",
        "birthday_set",
        "birthday_reached",
        "redated_first",
        "other_user",
        "after_redated",
        "after_failed",
    ],
)
def test_incremental_equals_full_refresh(nights: Nights, night: str) -> None:
    incremental, full, _ = nights.results[night]
    assert incremental == full


def test_a_night_without_changes_rebuilds_only_what_the_loader_re_read(nights: Nights) -> None:
    """With nothing changed in the shop, the night rebuilds only orders the loader re-read:
    it re-reads the rows at its cursor (updated_at >= cursor, ties included) every night with
    a new load id, and an order counts as changed with its row, its lines or a product it has."""
    assert nights.results["nothing"][2] <= nights.cursor_ties
    assert len(nights.cursor_ties) < nights.orders / 10


def test_every_night_changed_something(nights: Nights) -> None:
    """Each change reached the marts (else the equality above would prove nothing)."""
    fingerprints = [nights.results[n][1] for n in nights.results]
    for before, after in itertools.pairwise(fingerprints):
        assert before != after
