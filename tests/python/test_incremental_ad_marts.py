"""The ad marts built incrementally equal a full refresh: after a night whose re-loaded ad days
bring revised spend and a vanished row, and after a night of order changes in an attributed
city. Both marts are compared cell for cell (row count and a hash over all columns, summed)
between the incremental `dbt run` and a `dbt run --full-refresh` of the same raw data
(`Warehouse.full_refresh`)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from devtools.demo_shop.ads import LAST_DAY
from devtools.demo_shop.generator import write_shop
from devtools.harness.fingerprint import Fingerprints, mart_fingerprints
from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from tests.python.ads_support import ads_env
from tests.python.test_incremental_marts import shop_sql

MARTS = (
    "mart_ad_daily",
    "mart_romi_city_daily",
    "mart_customer_cohorts",
    "mart_campaign_daily",
)
RELOAD_DAYS = 3  # the loaders re-load LAST_DAY - 3 .. LAST_DAY every night


def fingerprint(warehouse: Warehouse) -> Fingerprints:
    return mart_fingerprints(warehouse, MARTS)


class AdNights:
    def __init__(self, warehouse: Warehouse, env: dict[str, str]) -> None:
        self.warehouse, self.env = warehouse, env
        self.results: dict[str, tuple[Fingerprints, Fingerprints, Fingerprints]] = {}
        self.touched: dict[str, set[tuple[str, date]]] = {}

    def run(self, name: str) -> None:
        before = fingerprint(self.warehouse)
        assert_ok(self.warehouse.load(**self.env))
        assert_ok(self.warehouse.dbt("run"))
        incremental = fingerprint(self.warehouse)
        rows = self.warehouse.query("select platform, date from intermediate.int_touched_ad_days")
        self.touched[name] = {(str(r[0]), date.fromisoformat(str(r[1]))) for r in rows}
        assert_ok(self.warehouse.full_refresh())
        self.results[name] = (before, incremental, fingerprint(self.warehouse))


@pytest.fixture(scope="module")
def ad_nights(
    mariadb: Any, sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> AdNights:
    sandbox.clear()
    url = mariadb.create_database("incremental_ads")
    write_shop(url, scale=0.002, seed=11)
    root: Path = tmp_path_factory.mktemp("incremental_ads")
    warehouse = Warehouse(root, mariadb.url("incremental_ads", readonly=True))
    env = ads_env(sandbox, root, ADS_INITIAL_DAYS="30", ADS_RELOAD_DAYS=str(RELOAD_DAYS))
    assert_ok(warehouse.load(**env))
    assert_ok(warehouse.night_build())
    nights = AdNights(warehouse, env)

    # (a) the platforms revise their last days: new spend on the last, a row gone the day before
    sandbox.set_faults("vk_ads", revision=1)
    sandbox.set_faults("yandex_direct", revision=1)
    nights.run("revised_ads")

    # (b) orders change in a city the ads attribute to: one refunded, one re-dated a week
    attributed = warehouse.query(
        "select order_id from marts.fct_orders where utm_city is not null"
        f" and order_date >= '{LAST_DAY - timedelta(days=25)}' order by order_id limit 2"
    )
    assert len(attributed) == 2
    (refunded,), (redated,) = attributed
    now = "2027-01-01 03:00:00"
    shop_sql(
        url,
        f"update zakazy set status = 4, updated_at = '{now}' where id = {refunded}",
        "update zakazy set created_at = created_at - interval 7 day, "
        f"updated_at = '{now}' where id = {redated}",
    )
    nights.run("attributed_orders")
    return nights


@pytest.mark.parametrize("night", ["revised_ads", "attributed_orders"])
def test_incremental_ad_marts_equal_full_refresh(ad_nights: AdNights, night: str) -> None:
    before, incremental, full = ad_nights.results[night]
    assert incremental == full
    assert full != before  # the night changed the marts, so the equality proves something


def test_only_the_reloaded_window_is_recomputed(ad_nights: AdNights) -> None:
    window = {LAST_DAY - timedelta(days=d) for d in range(RELOAD_DAYS + 1)}
    for night in ("revised_ads", "attributed_orders"):
        touched = ad_nights.touched[night]
        assert {platform for platform, _ in touched} == {"vk_ads", "yandex_direct"}
        assert {day for _, day in touched} <= window


def test_revised_spend_changed_the_ad_mart(ad_nights: AdNights) -> None:
    before, _, full = ad_nights.results["revised_ads"]
    assert full["mart_ad_daily"] != before["mart_ad_daily"]
    assert full["mart_romi_city_daily"] != before["mart_romi_city_daily"]
    assert full["mart_customer_cohorts"] != before["mart_customer_cohorts"]  # November's CAC
    assert full["mart_campaign_daily"] != before["mart_campaign_daily"]
