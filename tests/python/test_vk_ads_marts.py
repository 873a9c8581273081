"""Both ad platforms from the sandbox through dbt: the marts, a second run that changes nothing,
revised statistics that replace (not add to) their day, and a row that vanished."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from devtools.demo_shop.ads import LAST_DAY
from devtools.demo_shop.generator import write_shop
from devtools.harness.fingerprint import Fingerprints, mart_fingerprints
from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from tests.python.ads_support import DIRECT_TOKEN, VK_SECRET, ads_env, expected, output

MARTS = ("mart_ad_daily", "mart_romi_city_daily")
# the ad marts, what reads them, and what those read besides (the marketing marts read orders)
SELECT = ["-s", "+mart_ad_daily+", "+mart_romi_city_daily+", "+mart_customer_cohorts"]
SELECT += ["+mart_campaign_daily", "--indirect-selection", "cautious"]


def checksums(w: Warehouse) -> Fingerprints:
    return mart_fingerprints(w, MARTS)


def day_totals(w: Warehouse, platform: str, day: object) -> tuple[int, Decimal]:
    rows, spend = w.query(
        f"SELECT count(), sum(spend_rub) FROM marts.mart_ad_daily"
        f" WHERE platform = '{platform}' AND date = '{day}'"
    )[0]
    return int(rows), Decimal(spend or 0)


def test_ads_through_the_marts(sandbox: SandboxServer, tmp_path: Path) -> None:
    sandbox.clear()
    shop = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    write_shop(shop, scale=0.002)
    w = Warehouse(root=tmp_path, shop_db_url=shop)
    env = ads_env(sandbox, tmp_path)
    first = w.load(**env)
    assert_ok(first)
    built = w.night_build(*SELECT)
    assert_ok(built)
    assert "assert_ad_daily_union_matches_platforms" in built.stdout
    assert (
        int(w.query("SELECT count() FROM marts.mart_romi_city_daily WHERE spend_rub > 0")[0][0]) > 0
    )

    # a second night on unchanged platforms changes no mart row
    before = checksums(w)
    assert_ok(w.load(**env))
    assert_ok(w.dbt("run", "-s", "+mart_ad_daily", "+mart_romi_city_daily"))
    assert checksums(w) == before

    # the platforms revise their last days: the new values replace the old ones
    sandbox.set_faults("vk_ads", revision=1)
    sandbox.set_faults("yandex_direct", revision=1)
    revised = w.load(**env)
    assert_ok(revised)
    assert_ok(w.dbt("run", "-s", "+mart_ad_daily"))
    for platform, source in (("vk_ads", "vk_ads"), ("yandex_direct", "yandex_direct")):
        for day in (LAST_DAY, LAST_DAY - timedelta(days=1)):  # new spend; one row gone
            assert day_totals(w, platform, day) == expected(source, [day], revision=1)
            assert expected(source, [day], revision=1) != expected(source, [day])
        vanished = w.query(
            f"SELECT count() FROM marts.mart_ad_daily WHERE platform = '{platform}'"
            f" AND date = '{LAST_DAY - timedelta(days=1)}' AND ad_id % 10 = 0"
        )
        assert vanished == [[0]]
        # days outside the reload window keep their values
        old_day = LAST_DAY - timedelta(days=30)
        assert day_totals(w, platform, old_day) == expected(source, [old_day])
    for done in (first, revised):
        assert VK_SECRET not in output(done) and DIRECT_TOKEN not in output(done)
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*.log"))
    assert VK_SECRET not in logs and DIRECT_TOKEN not in logs
