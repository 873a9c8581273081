"""Sandbox Yandex Direct API v5 at /yandex_direct/json/v5: campaigns, ads, AD_PERFORMANCE_REPORT.

Faults (POST /_sandbox/yandex_direct/faults):
    queue: [201, 202, ...]  answer these statuses (with retryIn) before the report is ready;
    retry_in: [s, ...]      the retryIn of each of those answers (seconds, may be fractional)
    queue_full: n           the next n report requests answer 400 (offline queue full, 9000)
    server_error: n         the next n calls answer 500
    rate_limit: n           the next n calls answer 429
    title_summary: true     add a title and a summary row even when asked to skip them
    page_limit: k           at most k items per campaigns/ads page (LimitedBy paging)
    revision: 1             revised statistics (see demo_ads.day_stats)
    cut_report: true        the report body stops in the middle of a row (no summary row)
    empty_report: true      the report answers 200 with an empty body
    tamper: {"row": n, "field": F, "value": V}
                            data row n (from 1) of the report has V in column F (a day
                            outside the window, "not-a-date", "12.7" clicks, "-500.00")
    duplicate_row: true     the report's first data row comes twice
Money is in micros (x 1 000 000) unless the request says `returnMoneyInMicros: false`.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from devtools.demo_shop.ads import LAST_DAY, day_stats, days_between, demo_ads
from devtools.sandbox.server import Reply, Request, SandboxApi

HEADER = [
    "Date",
    "CampaignId",
    "CampaignName",
    "AdGroupId",
    "AdId",
    "Impressions",
    "Clicks",
    "Cost",
]


def _error(status: int, code: int, text: str, detail: str = "") -> Reply:
    body = {
        "error": {
            "request_id": "1",
            "error_code": code,
            "error_string": text,
            "error_detail": detail,
        }
    }
    return Reply.json(body, status)


class DirectApi(SandboxApi):
    name = "yandex_direct"
    prefix = "/yandex_direct"

    def __init__(self, n_ads: int = 36, last_day: date = LAST_DAY) -> None:
        super().__init__(last_day)
        self.ads = demo_ads("yandex_direct", n_ads, last_day)
        self.pending: dict[str, int] = {}  # report name -> answers given before it is ready

    def handle(self, request: Request) -> Reply:
        self.calls[-1]["at"] = time.monotonic()
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return _error(401, 53, "Authorization error", "no OAuth token")
        if self._take("rate_limit"):
            return Reply.json({"error": {"error_code": 56, "error_string": "Rate limit"}}, 429)
        if self._take("server_error"):
            return _error(500, 1000, "Internal server error")
        body = request.json()
        if request.path == "/json/v5/reports":
            return self.report(request.headers, body)
        if request.path == "/json/v5/campaigns":
            seen = {ad.campaign_id: ad.campaign_name for ad in self.ads}
            items = [
                {"Id": i, "Name": name, "State": "ON", "Status": "ACCEPTED"}
                for i, name in sorted(seen.items())
            ]
            return self.page(body, "Campaigns", items)
        if request.path == "/json/v5/ads":
            wanted = set(body["params"]["SelectionCriteria"].get("CampaignIds") or [])
            if len(wanted) > 10:
                return _error(400, 4001, "Invalid request", "at most 10 CampaignIds")
            return self.page(
                body, "Ads", [self.ad(ad) for ad in self.ads if ad.campaign_id in wanted]
            )
        return _error(404, 8000, "Unknown service", request.path)

    @staticmethod
    def ad(ad: Any) -> dict[str, Any]:
        kind = "TextImageAd" if ad.is_image else "TextAd"
        return {
            "Id": ad.ad_id,
            "CampaignId": ad.campaign_id,
            "AdGroupId": ad.ad_group_id,
            "State": "ON",
            "Type": "IMAGE_AD" if ad.is_image else "TEXT_AD",
            kind: {"Href": ad.landing_url},
        }

    def page(self, body: dict[str, Any], key: str, items: list[dict[str, Any]]) -> Reply:
        page = body["params"].get("Page") or {}
        limit = min(int(page.get("Limit") or 10000), int(self.faults.get("page_limit") or 10000))
        offset = int(page.get("Offset") or 0)
        result: dict[str, Any] = {key: items[offset : offset + limit]}
        if offset + limit < len(items):
            result["LimitedBy"] = offset + limit
        return Reply.json({"result": result})

    def report(self, headers: dict[str, str], body: dict[str, Any]) -> Reply:
        if self._take("queue_full"):
            return _error(400, 9000, "Offline report queue is full", "at most 5 reports queued")
        params = body["params"]
        name = params["ReportName"]
        queue = list(self.faults.get("queue") or [])
        waits = list(self.faults.get("retry_in") or [])
        answered = self.pending.get(name, 0)
        if answered < len(queue):
            self.pending[name] = answered + 1
            wait = waits[answered] if answered < len(waits) else 1
            return Reply(int(queue[answered]), b"", {"retryIn": str(wait), "reportsInQueue": "1"})
        return Reply.text(self.tsv(headers, params))

    def tsv(self, headers: dict[str, str], params: dict[str, Any]) -> str:
        criteria = params["SelectionCriteria"]
        date_from = date.fromisoformat(criteria["DateFrom"])
        date_to = date.fromisoformat(criteria["DateTo"])
        micros = headers.get("returnmoneyinmicros", "true").lower() != "false"
        forced = bool(self.faults.get("title_summary"))
        revision = int(self.faults.get("revision") or 0)
        fields = params["FieldNames"]
        lines = []
        if forced or headers.get("skipreportheader", "false").lower() != "true":
            lines.append(f'"{params["ReportName"]} ({date_from} - {date_to})"')
        lines.append("\t".join(fields))
        rows = 0
        for day in days_between(date_from, date_to):
            for ad in self.ads:
                if (stats := day_stats("yandex_direct", ad, day, revision)) is None:
                    continue
                impressions, clicks, cost = stats
                money = str(int(cost * 1_000_000)) if micros else str(cost)
                values: dict[str, Any] = {
                    "Date": day.isoformat(),
                    "CampaignId": ad.campaign_id,
                    "CampaignName": ad.campaign_name if ad.ad_id % 17 else "--",
                    "AdGroupId": ad.ad_group_id,
                    "AdId": ad.ad_id,
                    "Impressions": impressions,
                    "Clicks": clicks,
                    "Cost": money,
                }
                lines.append("\t".join(str(values.get(f, "--")) for f in fields))
                rows += 1
        first = len(lines) - rows
        self.corrupt(lines, first)
        rows = len(lines) - first
        if forced or headers.get("skipreportsummary", "false").lower() != "true":
            lines.append(f"Total rows: {rows}")
        text = "\n".join(lines) + "\n"
        if self.faults.get("empty_report"):
            return ""
        if self.faults.get("cut_report"):  # mid-row, as a dropped connection leaves it
            return text[: text.index("\n", len(text) // 2) - 3]
        return text

    def corrupt(self, lines: list[str], first: int) -> None:
        """The row faults, on data lines[first:] (before the summary row is counted)."""
        header = lines[first - 1].split("\t")
        if tamper := self.faults.get("tamper"):
            at = first + int(tamper["row"]) - 1
            cells = lines[at].split("\t")
            cells[header.index(tamper["field"])] = str(tamper["value"])
            lines[at] = "\t".join(cells)
        if self.faults.get("duplicate_row") and len(lines) > first:
            lines.insert(first + 1, lines[first])


API = DirectApi
