"""VK Ads (ads.vk.com API v2) → raw.vk_ads__*: ad plans, ad groups, banners, daily banner stats.

Lists page through the `count`/`offset`/`limit` envelope with whatever page size the server
grants; statistics are read in calls of at most 200 banner ids and 92 days; money (`spent`)
lands as Decimal parsed from its string. Every answer is checked (loaders.vk_ads.answers)
before anything lands. Statistics re-load a trailing window of days that
replaces the warehouse's rows of those days (loaders.common.ads_window). Tokens:
loaders.vk_ads.token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt
from dlt.sources import DltSource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator
from dlt.sources.helpers.rest_client.typing import Hooks
from requests import Response

from loaders.common.ads_window import DATE, MONEY, STATE_KEY, Window, merge_on_window
from loaders.common.http import raise_for_status, rest_client
from loaders.common.validation import AnswerCheck
from loaders.vk_ads.answers import STATS_CALL, check_list_page, stats_rows
from loaders.vk_ads.settings import VkAdsSettings
from loaders.vk_ads.token import TokenFile, VkAdsTokens

PAGE_LIMIT = 250  # asked for; the server may grant fewer (the envelope's `limit`)
STATS_MAX_IDS = 200
STATS_MAX_DAYS = 92
STATUSES = "active,blocked,deleted"  # deleted banners still have statistics for past days


class GrantedLimitPaginator(OffsetPaginator):
    """Offset paging that advances by what each page held: the server may grant fewer items
    per page than asked (its envelope's `limit`), so a fixed step would skip items."""

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        granted = response.json().get("limit")
        if isinstance(granted, int) and 0 < granted < self.limit:
            self.limit = granted
        self.value_step = len(data) if data else self.limit
        super().update_state(response, data)


def _advice(response: Response) -> str | None:
    if response.status_code == 401:
        return (
            "the token was rejected: delete VK_ADS_TOKEN_FILE (or set a new VK_ADS_TOKEN)"
            " and re-run"
        )
    if response.status_code == 403:
        return "this client has no access to the ad account: check its rights in the VK Ads cabinet"
    if response.status_code == 429:
        return "rate limit still hit after retries: re-run later"
    return None


HOOKS: Hooks = {"response": [raise_for_status("vk_ads", _advice)]}
LIST_HOOKS: Hooks = {"response": [raise_for_status("vk_ads", _advice), check_list_page]}


def make_client(settings: VkAdsSettings) -> tuple[RESTClient, VkAdsTokens]:
    client = rest_client(settings.api_url)
    store = None if settings.token else TokenFile(settings.token_file)
    tokens = VkAdsTokens(client, settings.client_id, settings.client_secret, store, settings.token)
    client.auth = tokens
    return client, tokens


def _pages(client: RESTClient, path: str, fields: str) -> Iterator[list[dict[str, Any]]]:
    params = {"fields": fields, "_status__in": STATUSES}
    paginator = GrantedLimitPaginator(limit=PAGE_LIMIT, total_path="count")
    for page in client.paginate(
        path, params=params, paginator=paginator, hooks=dict(LIST_HOOKS), data_selector="items"
    ):
        yield list(page)


def _stats(client: RESTClient, ids: list[int], window: Window) -> list[dict[str, Any]]:
    """Every row of the window, checked before any is returned: a bad answer writes nothing."""
    check = AnswerCheck("vk_ads", STATS_CALL, window)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), STATS_MAX_IDS):
        chunk = ids[start : start + STATS_MAX_IDS]
        for days in window.chunks(STATS_MAX_DAYS):
            params = {
                "id": ",".join(map(str, chunk)),
                "date_from": str(days.date_from),
                "date_to": str(days.date_to),
                "metrics": "base",
            }
            answer = client.get(STATS_CALL, params=params, hooks=dict(HOOKS))
            rows += stats_rows(answer.json(), chunk, days, check)
    return rows


@dlt.source(name="vk_ads", max_table_nesting=2)
def vk_ads_source(client: RESTClient, window: Window) -> Any:
    fetched: list[list[dict[str, Any]]] = []

    def banner_pages() -> list[list[dict[str, Any]]]:
        # read once, whichever resource asks first: the stats need every banner's id
        if not fetched:
            fetched.extend(
                _pages(client, "/api/v2/banners.json", "id,ad_group_id,name,status,urls")
            )
            fetched.append([])  # marks "read" even for an account without banners
        return fetched

    @dlt.resource(name="ad_plans", primary_key="id", write_disposition="merge")
    def ad_plans() -> Iterator[list[dict[str, Any]]]:
        yield from _pages(client, "/api/v2/ad_plans.json", "id,name,status")

    @dlt.resource(name="ad_groups", primary_key="id", write_disposition="merge")
    def ad_groups() -> Iterator[list[dict[str, Any]]]:
        yield from _pages(client, "/api/v2/ad_groups.json", "id,ad_plan_id,name,status")

    @dlt.resource(
        name="banners",
        primary_key="id",
        write_disposition="merge",
        columns={"urls__primary__url": {"data_type": "text", "nullable": True}},
    )
    def banners() -> Iterator[list[dict[str, Any]]]:
        yield from (page for page in banner_pages() if page)

    @dlt.resource(
        name="banner_stats",
        primary_key=("banner_id", "date"),
        write_disposition=merge_on_window(window),
        columns={"date": DATE, "spent": MONEY},
    )
    def banner_stats() -> Iterator[Any]:
        # an empty window still runs the merge, so rows that vanished are deleted
        yield dlt.mark.materialize_table_schema()
        ids = sorted({int(banner["id"]) for page in banner_pages() for banner in page})
        yield _stats(client, ids, window)
        dlt.current.source_state()[STATE_KEY] = str(window.date_to)

    return ad_plans, ad_groups, banners, banner_stats


def build_source(settings: VkAdsSettings, window: Window) -> DltSource:
    client, _ = make_client(settings)
    source: DltSource = vk_ads_source(client, window)
    return source
