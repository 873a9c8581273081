"""The ad loaders on a realistic account: load time and HTTP calls against the minimum.

`python -m devtools.bench.ads [--ads 1000] [--days 90]` (also part of `make bench`): a sandbox with
--ads ads per platform, then for each platform, as child processes like cron runs them, the
first load (--days days) and a nightly load (the 7-day reload window), each with its wall
time and the HTTP calls it made, next to the fewest calls the API's limits allow:
VK Ads: 1 token + ⌈items / granted page size⌉ per list + ⌈ads / 200⌉ × ⌈days / 92⌉ stats;
Direct: ⌈campaigns / 10 000⌉ + ⌈campaigns / 10⌉ ads.get (10 campaign ids a call) + 1 report.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from math import ceil
from pathlib import Path
from typing import Any

from devtools.demo_shop.ads import LAST_DAY
from devtools.harness.children import run_child
from devtools.harness.warehouse import Warehouse
from devtools.sandbox.server import SandboxApi, SandboxServer
from devtools.sandbox.vk_ads_api import PAGE_LIMIT, VkAdsApi
from devtools.sandbox.yandex_direct_api import DirectApi


def minimum_calls(api: SandboxApi, days: int, first: bool) -> int:
    ads = api.ads  # type: ignore[attr-defined]
    campaigns = len({ad.campaign_id for ad in ads})
    if isinstance(api, VkAdsApi):
        groups = len({ad.ad_group_id for ad in ads})
        lists = sum(ceil(n / PAGE_LIMIT) for n in (campaigns, groups, len(ads)))
        return int(first) + lists + ceil(len(ads) / 200) * ceil(days / 92)
    return ceil(campaigns / 10_000) + ceil(campaigns / 10) + 1


def run(
    server: SandboxServer,
    api: SandboxApi,
    w: Warehouse,
    source: str,
    label: str,
    days: int,
    first: bool,
) -> dict[str, Any]:
    api.calls.clear()
    env = w.env(
        SOURCES=source,
        VK_ADS_API_URL=server.url("vk_ads"),
        VK_ADS_CLIENT_ID="bench",
        VK_ADS_CLIENT_SECRET="bench-secret",
        VK_ADS_TOKEN_FILE=str(w.root / "vk_ads_token.json"),
        DIRECT_API_URL=server.url("yandex_direct") + "/json/v5",
        DIRECT_TOKEN="bench-token",
        ADS_TO_DATE=LAST_DAY.isoformat(),
        ADS_INITIAL_DAYS=str(days),
    )
    child = run_child(
        f"load {source} ({label})",
        [sys.executable, "-m", "loaders"],
        env,
        w.root / f"{source}-{label}.log",
    )
    rows = w.query(
        "SELECT count() FROM raw.vk_ads__banner_stats"
        if source == "vk_ads"
        else "SELECT count() FROM raw.yandex_direct__ad_performance"
    )[0][0]
    window = days if first else 7
    return {
        **child.as_json(),
        "days": window,
        "stats_rows": int(rows),
        "http_calls": len(api.calls),
        "minimum_calls": minimum_calls(api, window, first),
    }


def bench_ads(work: Path, n_ads: int = 1000, days: int = 90) -> dict[str, Any]:
    apis: dict[str, SandboxApi] = {"vk_ads": VkAdsApi(n_ads), "yandex_direct": DirectApi(n_ads)}
    results: dict[str, Any] = {"ads_per_platform": n_ads, "days": days}
    with SandboxServer(apis=list(apis.values())) as server:
        for source, api in apis.items():
            # the ad loaders never open the shop; the settings check still wants a valid URL
            w = Warehouse(work / source, shop_db_url=f"sqlite:///{work / 'no-shop.sqlite'}")
            results[source] = {
                "first": run(server, api, w, source, "first", days, first=True),
                "nightly": run(server, api, w, source, "nightly", days, first=False),
            }
    return results


def render(results: dict[str, Any]) -> str:
    lines = [
        f"ad platforms: {results['ads_per_platform']} ads each, first load {results['days']} days,"
        " then a nightly load (7-day reload window)",
        f"  {'platform':<8} {'run':<8} {'days':>4} {'stats rows':>10} {'seconds':>8}"
        f" {'peak MB':>8} {'HTTP calls':>10} {'minimum':>8}",
    ]
    for source in ("vk_ads", "yandex_direct"):
        for label in ("first", "nightly"):
            r = results[source][label]
            lines.append(
                f"  {source:<8} {label:<8} {r['days']:>4} {r['stats_rows']:>10,}"
                f" {r['seconds']:>8.1f}"
                f" {r['peak_rss_mb']:>8.0f} {r['http_calls']:>10} {r['minimum_calls']:>8}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    summary = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m devtools.bench.ads", description=summary)
    parser.add_argument("--ads", type=int, default=1000, help="ads per platform (default 1000)")
    parser.add_argument("--days", type=int, default=90, help="days of the first load (default 90)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-ads-"))
    try:
        print(render(bench_ads(work, args.ads, args.days)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
