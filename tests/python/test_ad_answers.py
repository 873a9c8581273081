"""Bad ad-platform answers fail their source in one line and replace nothing.

One warehouse loads a good 7-day window from both platforms; then each case serves one bad
answer per platform (the sandbox's switches, over HTTP) and checks, for both: exit 1, one
`load failed` line naming the platform, the call and the first bad row; the warehouse rows
and the dlt state exactly as before. A last good run re-reads the same window and lands the
platforms' figures. Expected figures come from the sandbox's demo data, never the loader.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from loaders.common.ads_window import Window
from loaders.common.validation import AnswerCheck, InvalidAnswer
from loaders.vk_ads.answers import stats_rows
from loaders.yandex_direct.report import parse_report
from tests.python.ads_support import ads_env, calls, expected, warehouse, window

DAYS = window(7)
FIRST_DAY = str(DAYS[0])
SNAPSHOT = """
SELECT * FROM (
SELECT 'yandex_direct', count(), sum(cost), max(_dlt_load_id)
FROM raw.yandex_direct__ad_performance
UNION ALL
SELECT 'vk_ads', count(), sum(spent), max(_dlt_load_id) FROM raw.vk_ads__banner_stats
UNION ALL
SELECT 'vk_ads state', count(), max(version), max(_dlt_load_id)
FROM raw.vk_ads___dlt_pipeline_state
UNION ALL
SELECT 'yandex_direct state', count(), max(version), max(_dlt_load_id)
FROM raw.yandex_direct___dlt_pipeline_state
) ORDER BY 1
"""
# (Direct's switches, VK Ads' switches, what Direct's line says, what VK Ads' line says)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str, str]] = {
    "cut_and_missing_items": (
        {"cut_report": True},
        {"stats_drop": "items"},
        "the last line: the body does not end with a newline: it was cut off",
        "the answer: required key `items` is missing",
    ),
    "empty_and_missing_rows": (
        {"empty_report": True},
        {"stats_drop": "rows"},
        "the header: the body is empty",
        ": required key `rows` is missing",
    ),
    "out_of_window": (
        {"tamper": {"row": 3, "field": "Date", "value": "1999-01-01"}},
        {"stats_tamper": {"field": "date", "value": "1999-01-01"}},
        "row 3 (AdId ",
        "row 1: date 1999-01-01 is outside the days asked for",
    ),
    "malformed_date_and_no_list": (
        {"tamper": {"row": 2, "field": "Date", "value": "not-a-date"}},
        {"list_drop": "items"},
        "row 2 (AdId ",
        "api/v2/ad_plans.json: the page: required key `items` is missing",
    ),
    "fraction_in_an_integer": (
        {"tamper": {"row": 1, "field": "Impressions", "value": "12.7"}},
        {"stats_tamper": {"field": "shows", "value": 12.7}},
        "Impressions '12.7' is a fraction where a whole number belongs",
        "shows 12.7 is a fraction where a whole number belongs",
    ),
    "duplicate_rows": (
        {"duplicate_row": True},
        {"stats_duplicate_row": True},
        "a second row for (",
        "a second row for (",
    ),
}
CALLS = {
    "yandex_direct": f"bad answer from /reports ({FIRST_DAY}..{DAYS[-1]})",
    "vk_ads": "bad answer from /",
}


def load(w: Warehouse, sandbox: SandboxServer, root: Path) -> subprocess.CompletedProcess[str]:
    env = ads_env(sandbox, root, SOURCES="vk_ads,yandex_direct", ADS_INITIAL_DAYS="7")
    return w.load(**env)


@pytest.fixture(scope="module")
def loaded(sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("ad_answers")
    sandbox.clear()
    w = warehouse(root)
    assert_ok(load(w, sandbox, root))
    yield w, root, w.query(SNAPSHOT)


@pytest.mark.parametrize("case", CASES)
def test_a_bad_answer_fails_in_one_line_and_changes_nothing(
    loaded: Any, sandbox: SandboxServer, case: str
) -> None:
    w, root, before = loaded
    direct_faults, vk_ads_faults, direct_says, vk_ads_says = CASES[case]
    sandbox.clear()
    sandbox.set_faults("yandex_direct", **direct_faults)
    sandbox.set_faults("vk_ads", **vk_ads_faults)
    done = load(w, sandbox, root)
    assert done.returncode == 1
    failed = {
        line.split(":")[1].strip().removeprefix("source "): line
        for line in done.stderr.splitlines()
        if line.startswith("load failed: ")
    }
    assert sorted(failed) == ["vk_ads", "yandex_direct"], done.stderr[-3000:]
    for platform, says in (("yandex_direct", direct_says), ("vk_ads", vk_ads_says)):
        line = failed[platform]
        assert f"source {platform}: {platform}: {CALLS[platform]}" in line, line
        assert says in line and line.endswith("read again on the next run"), line
    assert w.query(SNAPSHOT) == before  # no row, no load, no state moved


def test_the_next_good_run_rereads_the_same_window(loaded: Any, sandbox: SandboxServer) -> None:
    w, root, _ = loaded
    sandbox.clear()
    assert_ok(load(w, sandbox, root))
    (report,) = calls(sandbox, "yandex_direct", "/json/v5/reports")
    assert report["params"]["params"]["SelectionCriteria"]["DateFrom"] == FIRST_DAY
    stats = calls(sandbox, "vk_ads", "/api/v2/statistics/banners/day.json")
    assert {c["params"]["date_from"][0] for c in stats} == {FIRST_DAY}
    for platform, table, money in (
        ("yandex_direct", "yandex_direct__ad_performance", "cost"),
        ("vk_ads", "vk_ads__banner_stats", "spent"),
    ):
        rows, spend = w.query(f"SELECT count(), sum({money}) FROM raw.{table}")[0]
        assert (int(rows), Decimal(spend)) == expected(platform, DAYS)


# -- the rules themselves, on answers written here (no HTTP, no warehouse)

HEADER = "Date\tCampaignId\tCampaignName\tAdGroupId\tAdId\tImpressions\tClicks\tCost"
DIRECT_WINDOW = Window(date(2026, 11, 16), date(2026, 11, 22))


def report(*rows: str, summary: int | None = None, title: bool = False) -> str:
    lines = (['"r (2026-11-16 - 2026-11-22)"'] if title else []) + [HEADER, *rows]
    lines.append(f"Total rows: {len(rows) if summary is None else summary}")
    return "\n".join(lines) + "\n"


def direct_fails(tsv: str) -> str:
    with pytest.raises(InvalidAnswer) as failure:
        parse_report(tsv, DIRECT_WINDOW)
    return str(failure.value)


def test_a_report_with_no_rows_is_an_empty_window_only_when_its_summary_says_so() -> None:
    assert parse_report(report(), DIRECT_WINDOW) == []
    assert parse_report(report(title=True), DIRECT_WINDOW) == []
    assert "no summary row" in direct_fails(HEADER + "\n")
    assert "the body is empty" in direct_fails("\n")
    assert "3 rows, but the summary row says 4" in direct_fails(
        report(*[f"2026-11-2{i}\t1\tc\t2\t{i + 1}\t10\t1\t5.00" for i in range(3)], summary=4)
    )


def test_report_values_keep_their_type_and_sign() -> None:
    good = "2026-11-20\t1\t--\t2\t3\t10\t1\t12.50"
    (row,) = parse_report(report(good), DIRECT_WINDOW)
    assert row == {
        "date": "2026-11-20", "campaign_id": 1, "campaign_name": None, "ad_group_id": 2,
        "ad_id": 3, "impressions": 10, "clicks": 1, "cost": Decimal("12.50"),
    }  # fmt: skip
    assert "AdId None is not a whole number" in direct_fails(
        report(good.replace("\t3\t", "\t--\t"))
    )
    assert "Cost '-500.00' is negative" in direct_fails(report(good.replace("12.50", "-500.00")))
    assert "Cost 'inf' is not a finite number" in direct_fails(report(good.replace("12.50", "inf")))
    assert "7 fields where the header has 8" in direct_fails(report(good.rsplit("\t", 1)[0]))
    assert "a second row for (3, datetime.date(2026, 11, 20))" in direct_fails(report(good, good))
    assert "columns Clicks are missing" in direct_fails(report().replace("\tClicks", ""))


def vk_ads_fails(body: Any) -> str:
    check = AnswerCheck("vk_ads", "stats", DIRECT_WINDOW)
    with pytest.raises(InvalidAnswer) as failure:
        stats_rows(body, [7], DIRECT_WINDOW, check)
    return str(failure.value)


def test_statistics_rows_need_their_keys_and_sound_values() -> None:
    base = {"shows": 10.0, "clicks": 1, "spent": "3.10"}
    good = {"items": [{"id": 7, "rows": [{"date": "2026-11-20", "base": base}]}]}
    check = AnswerCheck("vk_ads", "stats", DIRECT_WINDOW)
    assert stats_rows(good, [7], DIRECT_WINDOW, check) == [
        {"banner_id": 7, "date": "2026-11-20", "shows": 10, "clicks": 1,
         "spent": Decimal("3.10"), "goals": 0},
    ]  # fmt: skip
    assert stats_rows({"items": [{"id": 7, "rows": []}]}, [7], DIRECT_WINDOW, check) == []
    no_base = {"items": [{"id": 7, "rows": [{"date": "2026-11-20"}]}]}
    assert "required key `base` is missing" in vk_ads_fails(no_base)
    other = {"items": [{"id": 8, "rows": []}]}
    assert "banner 8 was not asked for" in vk_ads_fails(other)
    negative = {
        "items": [{"id": 7, "rows": [{"date": "2026-11-20", "base": {**base, "spent": -1}}]}]
    }
    assert "spent -1 is negative" in vk_ads_fails(negative)
    flag = {
        "items": [{"id": 7, "rows": [{"date": "2026-11-20", "base": {**base, "clicks": True}}]}]
    }
    assert "clicks True is not a number" in vk_ads_fails(flag)
