"""VK Ads loader against the sandbox: tokens, paging, limits, faults, the reload window."""

from __future__ import annotations

import json
import stat
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from devtools.sandbox.vk_ads_api import VkAdsApi
from devtools.sandbox.yandex_direct_api import DirectApi
from loaders.common.ads_window import WindowSettings
from loaders.vk_ads.revoke import revoke
from loaders.vk_ads.settings import VkAdsSettings
from tests.python.ads_support import (
    VK_SECRET,
    ads_env,
    calls,
    expected,
    grants,
    output,
    warehouse,
    window,
)

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

STATS = "/api/v2/statistics/banners/day.json"


def landed(w: Warehouse, table: str = "vk_ads__banner_stats") -> tuple[int, Decimal]:
    rows, spend = w.query(f"SELECT count(), sum(spent) FROM raw.{table}")[0]
    return int(rows), Decimal(spend or 0)


def test_first_run_lands_90_days_and_a_stored_token_is_reused(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.clear()
    w = warehouse(tmp_path)
    env = ads_env(sandbox, tmp_path, SOURCES="vk_ads")
    first = w.load(**env)
    assert_ok(first)
    assert landed(w) == expected("vk_ads", window(90))
    assert w.query(
        "SELECT count() FROM raw.vk_ads__banners WHERE urls__primary__url LIKE 'https://%'"
    ) == [[36]]
    assert w.query("SELECT count() FROM raw.vk_ads__ad_plans") == [[21]]
    token_file = Path(env["VK_ADS_TOKEN_FILE"])
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert grants(sandbox, "client_credentials") == 1

    second = w.load(**env)
    assert_ok(second)
    assert grants(sandbox, "client_credentials") == 1  # the stored token was used again
    assert grants(sandbox, "refresh_token") == 0
    # the second run re-reads only the trailing 7 days
    days = [
        (c["params"]["date_from"][0], c["params"]["date_to"][0])
        for c in calls(sandbox, "vk_ads", STATS)
    ]
    assert days[-1] == ("2026-11-16", "2026-11-22")
    assert landed(w) == expected("vk_ads", window(90))
    for done in (first, second):
        assert VK_SECRET not in output(done)
        assert token_file.read_text().split('"')[3] not in output(done)  # the access token


def test_expired_token_is_refreshed_not_minted(sandbox: SandboxServer, tmp_path: Path) -> None:
    sandbox.clear()
    w = warehouse(tmp_path)
    env = ads_env(sandbox, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="3")
    assert_ok(w.load(**env))
    sandbox.set_faults("vk_ads", expire_token=True)
    done = w.load(**env)
    assert_ok(done)
    assert grants(sandbox, "client_credentials") == 1
    assert grants(sandbox, "refresh_token") == 1
    assert "expired" in done.stderr  # one info line says why it refreshed


def test_a_stored_token_near_its_end_is_refreshed_before_use(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.clear()
    w = warehouse(tmp_path)
    env = ads_env(sandbox, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="2")
    assert_ok(w.load(**env))
    token_file = Path(env["VK_ADS_TOKEN_FILE"])
    pair = json.loads(token_file.read_text())
    token_file.write_text(json.dumps({**pair, "expires_at": time.time() + 60}))
    assert_ok(w.load(**env))
    assert (grants(sandbox, "client_credentials"), grants(sandbox, "refresh_token")) == (1, 1)
    renewed = json.loads(token_file.read_text())
    assert renewed["access_token"] != pair["access_token"]
    assert renewed["expires_at"] > time.time() + 80000
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600


def test_token_limit_fails_in_one_line_and_the_other_platform_still_loads(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.clear()
    sandbox.set_faults("vk_ads", token_limit=True)
    w = warehouse(tmp_path)
    env = ads_env(sandbox, tmp_path, SOURCES="vk_ads,yandex_direct", ADS_INITIAL_DAYS="3")
    done = w.load(**env)
    assert done.returncode == 1
    failures = [line for line in done.stderr.splitlines() if line.startswith("load failed")]
    assert len(failures) == 1 and failures[0].startswith("load failed: source vk_ads: ")
    assert "403" in failures[0] and "token/delete.json" in failures[0]
    assert VK_SECRET not in output(done)
    assert not Path(ads_env(sandbox, tmp_path)["VK_ADS_TOKEN_FILE"]).exists()
    assert w.query(
        "SELECT count() FROM system.tables WHERE database = 'raw' AND name LIKE 'vk_ads%'"
    ) == [[0]]
    assert int(w.query("SELECT count() FROM raw.yandex_direct__ad_performance")[0][0]) > 0


def test_429_and_5xx_are_retried(sandbox: SandboxServer, tmp_path: Path) -> None:
    sandbox.clear()
    w = warehouse(tmp_path)
    env = ads_env(sandbox, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="5")
    assert_ok(w.load(**env))  # mints the token first: the faults hit API calls
    sandbox.clear()
    sandbox.set_faults("vk_ads", rate_limit=2, server_error=2)
    assert_ok(w.load(**env))
    assert landed(w) == expected("vk_ads", window(7))  # 5 days, then the 7-day reload window
    plans = calls(sandbox, "vk_ads", "/api/v2/ad_plans.json")
    assert len(plans) == 5  # 2 x 429, 2 x 500, then the answer


def test_retries_are_bounded_and_leave_the_warehouse_as_it_was(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.clear()
    w = warehouse(tmp_path)
    env = ads_env(sandbox, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="5")
    assert_ok(w.load(**env))
    before = w.query("SELECT count(), sum(spent), max(_dlt_load_id) FROM raw.vk_ads__banner_stats")
    sandbox.set_faults("vk_ads", server_error=50, revision=1)
    done = w.load(**env)
    assert done.returncode == 1
    assert "load failed: source vk_ads: vk_ads: HTTP 500" in done.stderr
    assert (
        w.query("SELECT count(), sum(spent), max(_dlt_load_id) FROM raw.vk_ads__banner_stats")
        == before
    )


def test_pages_follow_the_granted_limit(sandbox: SandboxServer, tmp_path: Path) -> None:
    sandbox.clear()
    sandbox.set_faults("vk_ads", page_limit=7)
    w = warehouse(tmp_path)
    assert_ok(w.load(**ads_env(sandbox, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="2")))
    assert w.query("SELECT count(), uniqExact(id) FROM raw.vk_ads__banners") == [[36, 36]]
    offsets = [c["params"]["offset"][0] for c in calls(sandbox, "vk_ads", "/api/v2/banners.json")]
    assert offsets == ["0", "7", "14", "21", "28", "35"]


def test_statistics_calls_hold_200_ids_and_92_days(tmp_path: Path) -> None:
    api = VkAdsApi(n_ads=450)
    with SandboxServer(apis=[api, DirectApi()]) as server:
        w = warehouse(tmp_path)
        env = ads_env(server, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="100")
        assert_ok(w.load(**env))
        stats = [c["params"] for c in api.calls if c["path"] == STATS]
    # 450 ids -> 3 calls of <= 200; 100 days -> 2 calls of <= 92: 6 calls, the minimum
    assert len(stats) == 6
    assert max(len(p["id"][0].split(",")) for p in stats) == 200
    assert {(p["date_from"][0], p["date_to"][0]) for p in stats} == {
        ("2026-08-15", "2026-11-14"),
        ("2026-11-15", "2026-11-22"),
    }
    assert w.query("SELECT uniqExact(banner_id) > 400 FROM raw.vk_ads__banner_stats") == [[1]]


def test_without_credentials_the_platform_is_skipped_in_one_line(tmp_path: Path) -> None:
    w = warehouse(tmp_path)
    done = w.load(
        SOURCES="vk_ads,yandex_direct",
        VK_ADS_CLIENT_ID="",
        VK_ADS_CLIENT_SECRET="",
        VK_ADS_TOKEN="",
        DIRECT_TOKEN="",
    )
    assert_ok(done)
    skipped = [line for line in done.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 2
    assert "source vk_ads skipped: no credentials" in skipped[0]
    assert "source yandex_direct skipped: no credentials" in skipped[1]


def test_a_window_without_any_rows_still_replaces_its_days(tmp_path: Path) -> None:
    """Every banner gone from the account: the reloaded days become empty, older days stay."""
    w = warehouse(tmp_path)
    with SandboxServer(apis=[VkAdsApi(), DirectApi()]) as server:
        env = ads_env(server, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="10")
        assert_ok(w.load(**env))
    assert landed(w) == expected("vk_ads", window(10))
    with SandboxServer(apis=[VkAdsApi(n_ads=0), DirectApi()]) as server:
        env = ads_env(server, tmp_path, SOURCES="vk_ads", VK_ADS_TOKEN_FILE=str(tmp_path / "t2"))
        assert_ok(w.load(**env))
    old_days = window(10)[:3]  # the 7-day reload window covers the last 7 of the 10
    assert landed(w) == expected("vk_ads", old_days)


def test_the_night_after_the_token_limit_works_when_each_night_frees_its_token(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """CI keeps no token file between runs: each night mints one, and VK Ads refuses a token
    beyond its limit of live ones (5; the sandbox's limit is 1 here, to keep it short: the
    same rule). The workflow frees the client's tokens after every run
    (`python -m loaders.vk_ads.revoke`), so the night after the limit works too; without
    that step it is refused."""
    sandbox.clear()
    sandbox.set_faults("vk_ads", live_token_limit=1)
    w = warehouse(tmp_path)

    def settings(runner: str) -> VkAdsSettings:
        token_file = tmp_path / runner / "vk_ads_token.json"  # a fresh runner: no stored token
        api = sandbox.url("vk_ads")
        return VkAdsSettings(api, "demo-client", VK_SECRET, None, token_file, WindowSettings())

    def night(runner: str) -> tuple[subprocess.CompletedProcess[str], VkAdsSettings]:
        env = ads_env(sandbox, tmp_path, SOURCES="vk_ads", ADS_INITIAL_DAYS="1")
        env["VK_ADS_TOKEN_FILE"] = str(settings(runner).token_file)
        return w.load(**env), settings(runner)

    revoke(settings("runner-0"))  # tokens other tests of this session left live
    for number in (1, 2):
        done, used = night(f"runner-{number}")
        assert_ok(done)
        assert revoke(used) and not used.token_file.exists()
    assert len(calls(sandbox, "vk_ads", "/api/v2/oauth2/token/delete.json")) == 3
    # without the revoke the limit holds: the next night mints the one live token, the one
    # after it is refused
    assert_ok(night("kept-1")[0])
    refused, _ = night("kept-2")
    assert refused.returncode == 1
    assert "403" in refused.stderr and "5 live tokens" in refused.stderr
