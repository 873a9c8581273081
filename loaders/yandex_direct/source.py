"""Yandex Direct API v5 → raw.yandex_direct__*: campaigns, ads (landing URLs), ad performance.

The AD_PERFORMANCE_REPORT comes as TSV: the identical request is re-sent after each 201/202
answer's `retryIn`; a full offline queue (400) and 5xx are retried by dlt's session with
backoff. The TSV is read and checked by loaders.yandex_direct.report before anything lands.
Campaigns and ads page with `LimitedBy`. Statistics re-load a trailing window of days that
replaces the warehouse's rows of those days (loaders.common.ads_window).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any, cast

import dlt
from dlt.sources import DltSource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from dlt.sources.helpers.rest_client.typing import Hooks
from requests import Request, Response

from loaders.common.ads_window import DATE, MONEY, STATE_KEY, Window, merge_on_window
from loaders.common.errors import ActionableError
from loaders.common.http import (
    ApiError,
    BodyErrorHook,
    body_error_detail,
    raise_for_status,
    request_path,
    rest_client,
)
from loaders.yandex_direct.report import REPORT_FIELDS, parse_report
from loaders.yandex_direct.settings import DirectSettings

log = logging.getLogger("loaders.yandex_direct")

QUEUE_FULL = 9000  # error_code of "offline report queue is full"
ADS_MAX_CAMPAIGNS = 10  # CampaignIds per ads.get call
PAGE_LIMIT = 10000


class LimitedByPaginator(BasePaginator):
    """Direct's paging: while `result.LimitedBy` is present, ask again from that offset."""

    def __init__(self) -> None:
        super().__init__()
        self.offset: int | None = None

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        self.offset = (response.json().get("result") or {}).get("LimitedBy")
        self._has_next_page = self.offset is not None

    def update_request(self, request: Request) -> None:
        body = cast(dict[str, Any], request.json)
        body["params"]["Page"]["Offset"] = self.offset


def _queue_full(response: Response) -> bool:
    if response.status_code != 400:
        return False
    try:
        return int(response.json()["error"]["error_code"]) == QUEUE_FULL
    except (ValueError, KeyError, TypeError):
        return False


def _advice(response: Response) -> str | None:
    if response.status_code in (401, 403):
        return "DIRECT_TOKEN is invalid or expired: get a new OAuth token (docs/ad-platforms.md)"
    if _queue_full(response):
        return "the offline report queue stayed full: re-run later"
    if response.status_code >= 500 or response.status_code == 429:
        return "Direct kept failing after retries: re-run later"
    return None


def make_client(settings: DirectSettings) -> RESTClient:
    headers = {"Accept-Language": "ru"}
    if settings.client_login:
        headers["Client-Login"] = settings.client_login
    # an auth object, not a header: dlt logs a request's headers at debug level
    auth = BearerTokenAuth(token=settings.token or "")
    return rest_client(settings.api_url, auth=auth, headers=headers)


# a full offline report queue (400, 9000) is retried by dlt like a 5xx
STATUS_HOOK = raise_for_status("yandex_direct", _advice, retryable=_queue_full)


class DirectErrorHook(BodyErrorHook):
    """The JSON methods answer errors with HTTP 200 and an `error` object."""

    def error_in(self, body: Any, response: Response) -> ApiError | None:
        if not isinstance(body, dict) or "error" not in body:
            return None
        detail = body_error_detail(body)
        return ApiError(f"yandex_direct: error at {request_path(response)}: {detail}")


HOOKS: Hooks = {"response": [DirectErrorHook("yandex_direct", _advice, retryable=_queue_full)]}


def _get(client: RESTClient, service: str, params: dict[str, Any], key: str) -> Iterator[list[Any]]:
    body = {"method": "get", "params": {**params, "Page": {"Limit": PAGE_LIMIT, "Offset": 0}}}
    for page in client.paginate(
        f"/{service}",
        method="POST",
        json=body,
        paginator=LimitedByPaginator(),
        data_selector=f"result.{key}",
        hooks=dict(HOOKS),
    ):
        yield list(page)


def report_request(window: Window) -> dict[str, Any]:
    return {
        "params": {
            "SelectionCriteria": {"DateFrom": str(window.date_from), "DateTo": str(window.date_to)},
            "FieldNames": REPORT_FIELDS,
            # unique per request: a report's name identifies it in the offline queue
            "ReportName": f"shop_ads_{window.date_from}_{window.date_to}_{time.time_ns()}",
            "ReportType": "AD_PERFORMANCE_REPORT",
            "DateRangeType": "CUSTOM_DATE",
            "Format": "TSV",
            "IncludeVAT": "NO",
            "IncludeDiscount": "NO",
        }
    }


REPORT_HEADERS = {
    "processingMode": "auto",
    "returnMoneyInMicros": "false",
    "skipReportHeader": "true",
    # the summary row's row count tells a cut-off or empty body from an empty report
    "skipReportSummary": "false",
}


def fetch_report(client: RESTClient, window: Window, timeout: float) -> str:
    """The report's TSV: the identical request again after each 201/202 answer's retryIn."""
    body = report_request(window)
    deadline = time.monotonic() + timeout
    while True:
        response = client.post(
            "/reports", json=body, headers=REPORT_HEADERS, hooks={"response": [STATUS_HOOK]}
        )
        if response.status_code == 200:
            response.encoding = "utf-8"
            return response.text
        if response.status_code not in (201, 202):
            raise ApiError(f"yandex_direct: unexpected HTTP {response.status_code} at /reports")
        wait = float(response.headers.get("retryIn") or 1)
        if time.monotonic() + wait > deadline:
            raise ActionableError(
                f"yandex_direct: the report was not ready within {timeout:.0f} s"
                " (DIRECT_REPORT_TIMEOUT); re-run later or raise the timeout"
            )
        state = "queued" if response.status_code == 201 else "building"
        log.info("yandex_direct: report %s; asking again in %s s", state, wait)
        time.sleep(wait)


@dlt.source(name="yandex_direct", max_table_nesting=2)
def direct_source(client: RESTClient, window: Window, report_timeout: float = 1800) -> Any:
    fetched: list[list[dict[str, Any]]] = []

    def campaign_pages() -> list[list[dict[str, Any]]]:
        # read once, whichever resource asks first: ads are selected by campaign ids
        if not fetched:
            fields = {"SelectionCriteria": {}, "FieldNames": ["Id", "Name", "State", "Status"]}
            fetched.extend(_get(client, "campaigns", fields, "Campaigns"))
            fetched.append([])  # marks "read" even for an account without campaigns
        return fetched

    @dlt.resource(name="campaigns", primary_key="id", write_disposition="merge")
    def campaigns() -> Iterator[list[dict[str, Any]]]:
        yield from (page for page in campaign_pages() if page)

    @dlt.resource(
        name="ads",
        primary_key="id",
        write_disposition="merge",
        columns={
            "text_ad__href": {"data_type": "text", "nullable": True},
            "text_image_ad__href": {"data_type": "text", "nullable": True},
        },
    )
    def ads() -> Iterator[list[dict[str, Any]]]:
        ids = sorted({int(c["Id"]) for page in campaign_pages() for c in page})
        for start in range(0, len(ids), ADS_MAX_CAMPAIGNS):
            params = {
                "SelectionCriteria": {"CampaignIds": ids[start : start + ADS_MAX_CAMPAIGNS]},
                "FieldNames": ["Id", "CampaignId", "AdGroupId", "State", "Type"],
                "TextAdFieldNames": ["Href"],
                "TextImageAdFieldNames": ["Href"],
            }
            yield from _get(client, "ads", params, "Ads")

    @dlt.resource(
        name="ad_performance",
        primary_key=("ad_id", "date"),
        write_disposition=merge_on_window(window),
        columns={"date": DATE, "cost": MONEY},
    )
    def ad_performance() -> Iterator[Any]:
        # an empty window still runs the merge, so rows that vanished are deleted
        yield dlt.mark.materialize_table_schema()
        # every row checked before any is yielded: a bad report writes nothing
        yield parse_report(fetch_report(client, window, report_timeout), window)
        dlt.current.source_state()[STATE_KEY] = str(window.date_to)

    return campaigns, ads, ad_performance


def build_source(settings: DirectSettings, window: Window) -> DltSource:
    source: DltSource = direct_source(make_client(settings), window, settings.report_timeout)
    return source
