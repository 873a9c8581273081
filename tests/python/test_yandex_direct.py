"""Yandex Direct loader against the sandbox: report queueing, retries, TSV quirks, paging."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.demo_shop.ads import demo_ads
from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from tests.python.ads_support import (
    DIRECT_TOKEN,
    ads_env,
    calls,
    expected,
    output,
    warehouse,
    window,
)

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

REPORTS = "/json/v5/reports"


def landed(w: Warehouse) -> tuple[int, Decimal]:
    rows, spend = w.query("SELECT count(), sum(cost) FROM raw.yandex_direct__ad_performance")[0]
    return int(rows), Decimal(spend or 0)


def load(
    sandbox: SandboxServer, tmp_path: Path, days: str = "5", **faults: object
) -> tuple[Warehouse, subprocess.CompletedProcess[str]]:
    sandbox.clear()
    sandbox.set_faults("yandex_direct", **faults)
    w = warehouse(tmp_path)
    done = w.load(**ads_env(sandbox, tmp_path, SOURCES="yandex_direct", ADS_INITIAL_DAYS=days))
    return w, done


def test_report_lands_rubles_by_header_names(sandbox: SandboxServer, tmp_path: Path) -> None:
    w, done = load(sandbox, tmp_path, days="90")
    assert_ok(done)
    assert landed(w) == expected("yandex_direct", window(90))
    assert DIRECT_TOKEN not in output(done)
    # '--' in the report (CampaignName of every 17th ad) lands as NULL
    assert w.query(
        "SELECT countIf(campaign_name IS NULL) > 0, countIf(campaign_name = '--')"
        " FROM raw.yandex_direct__ad_performance"
    ) == [[1, 0]]
    (report,) = calls(sandbox, "yandex_direct", REPORTS)
    params = report["params"]["params"]
    assert params["ReportType"] == "AD_PERFORMANCE_REPORT" and params["IncludeVAT"] == "NO"


def test_money_is_in_micros_without_the_header(sandbox: SandboxServer) -> None:
    """The sandbox, like Direct, answers micros unless asked not to: the loader's rubles above
    prove that it sends `returnMoneyInMicros: false`."""
    sandbox.clear()
    body: dict[str, Any] = {
        "params": {
            "SelectionCriteria": {"DateFrom": "2026-11-22", "DateTo": "2026-11-22"},
            "FieldNames": ["Date", "AdId", "Cost"],
            "ReportName": "micros",
        }
    }
    headers = {"Authorization": "Bearer x", "skipReportHeader": "true", "skipReportSummary": "true"}
    url = sandbox.url("yandex_direct") + REPORTS
    micros = requests.post(url, json=body, headers=headers, timeout=10).text.splitlines()[1]
    rubles = requests.post(
        url, json=body, headers={**headers, "returnMoneyInMicros": "false"}, timeout=10
    ).text.splitlines()[1]
    assert Decimal(micros.split("\t")[2]) == Decimal(rubles.split("\t")[2]) * 1_000_000


def test_queued_report_is_asked_again_identically_after_each_retry_in(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    w, done = load(sandbox, tmp_path, queue=[201, 202, 202], retry_in=[0.2, 0.5, 0.3])
    assert_ok(done)
    reports = calls(sandbox, "yandex_direct", REPORTS)
    assert len(reports) == 4
    assert all(r["params"] == reports[0]["params"] for r in reports)  # the identical request
    gaps = [b["at"] - a["at"] for a, b in pairwise(reports)]
    assert [round(g, 1) >= w for g, w in zip(gaps, (0.2, 0.5, 0.3), strict=True)] == [True] * 3
    assert landed(w) == expected("yandex_direct", window(5))


def test_full_queue_5xx_and_429_are_retried(sandbox: SandboxServer, tmp_path: Path) -> None:
    w, done = load(sandbox, tmp_path, queue_full=2)
    assert_ok(done)
    assert len(calls(sandbox, "yandex_direct", REPORTS)) == 3
    w, done = load(sandbox, tmp_path, server_error=2, rate_limit=1)
    assert_ok(done)
    assert landed(w) == expected("yandex_direct", window(7))


def test_a_queue_that_stays_full_fails_within_the_bound(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    _, done = load(sandbox, tmp_path, queue_full=50)
    assert done.returncode == 1
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("load failed")]
    assert "source yandex_direct" in line and "9000" in line and "re-run later" in line
    assert len(calls(sandbox, "yandex_direct", REPORTS)) == 5  # RUNTIME__REQUEST_MAX_ATTEMPTS


def test_title_and_summary_rows_are_skipped(sandbox: SandboxServer, tmp_path: Path) -> None:
    w, done = load(sandbox, tmp_path, title_summary=True)
    assert_ok(done)
    assert landed(w) == expected("yandex_direct", window(5))


def test_campaigns_and_ads_page_with_limited_by(sandbox: SandboxServer, tmp_path: Path) -> None:
    w, done = load(sandbox, tmp_path, days="1", page_limit=4)
    assert_ok(done)
    ads = demo_ads("yandex_direct")
    assert w.query("SELECT count() FROM raw.yandex_direct__campaigns") == [[21]]
    assert w.query(
        "SELECT count(), countIf(text_ad__href IS NOT NULL),"
        " countIf(text_image_ad__href IS NOT NULL)"
        " FROM raw.yandex_direct__ads"
    ) == [[36, sum(not a.is_image for a in ads), sum(a.is_image for a in ads)]]
    offsets = [
        c["params"]["params"]["Page"]["Offset"]
        for c in calls(sandbox, "yandex_direct", "/json/v5/campaigns")
    ]
    assert offsets == [0, 4, 8, 12, 16, 20]
    # ads.get takes at most 10 campaign ids per call
    ad_calls = calls(sandbox, "yandex_direct", "/json/v5/ads")
    assert (
        max(len(c["params"]["params"]["SelectionCriteria"]["CampaignIds"]) for c in ad_calls) == 10
    )
