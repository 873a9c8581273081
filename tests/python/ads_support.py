"""Shared helpers of the ad-platform tests: the loader's env against the sandbox, expected
figures straight from the sandbox's demo data (never from the loader), call-log readers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from devtools.demo_shop.ads import LAST_DAY, day_stats, days_between, demo_ads
from devtools.harness.warehouse import Warehouse
from devtools.sandbox.server import SandboxServer

VK_SECRET = "vk-client-secret-do-not-print"
DIRECT_TOKEN = "direct-token-do-not-print"
FAST_RETRIES = {  # dlt's retry settings, small so that retried faults stay fast
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "5",
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.01",
    "RUNTIME__REQUEST_MAX_RETRY_DELAY": "0.2",
}


def warehouse(root: Path) -> Warehouse:
    return Warehouse(root=root, shop_db_url=f"sqlite:///{root / 'no-shop.sqlite'}")


def ads_env(sandbox: SandboxServer, root: Path, **extra: str) -> dict[str, str]:
    return {
        "VK_ADS_API_URL": sandbox.url("vk_ads"),
        "VK_ADS_CLIENT_ID": "demo-client",
        "VK_ADS_CLIENT_SECRET": VK_SECRET,
        "VK_ADS_TOKEN_FILE": str(root / "secrets" / "vk_ads_token.json"),
        "DIRECT_API_URL": sandbox.url("yandex_direct") + "/json/v5",
        "DIRECT_TOKEN": DIRECT_TOKEN,
        "DIRECT_CLIENT_LOGIN": "demo-shop",
        "ADS_TO_DATE": LAST_DAY.isoformat(),
        **FAST_RETRIES,
        **extra,
    }


def window(days: int, last: date = LAST_DAY) -> list[date]:
    return days_between(last - timedelta(days=days - 1), last)


def expected(platform: str, days: list[date], revision: int = 0) -> tuple[int, Decimal]:
    """Row count and total spend the platform's demo account has on these days."""
    rows, spend = 0, Decimal(0)
    for ad in demo_ads(platform):
        for day in days:
            if (stats := day_stats(platform, ad, day, revision)) is not None:
                rows += 1
                spend += stats[2]
    return rows, spend


def calls(sandbox: SandboxServer, api: str, path: str) -> list[dict[str, Any]]:
    return [c for c in sandbox.apis[api].calls if c["path"] == path]


def grants(sandbox: SandboxServer, kind: str) -> int:
    token_calls = calls(sandbox, "vk_ads", "/api/v2/oauth2/token.json")
    return sum(1 for c in token_calls if c["params"].get("grant_type") == [kind])


def output(done: Any) -> str:
    return str(done.stdout) + str(done.stderr)
