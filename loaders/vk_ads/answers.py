"""VK Ads answers read and checked before they may replace anything (loaders.common.validation).

- A list page (`ad_plans`, `ad_groups`, `banners`) must carry `count` and an `items` list whose
  items have an id: a page without them is an error, never "no banners" (which would empty
  the statistics window). `{"count": 0, "items": []}` is an account without such objects.
- A statistics answer must carry `items`, one per banner asked for, each with its `rows`
  list (an empty list: no statistics that day range); each row a day inside the call's days,
  `base` with whole `shows` and `clicks` (and `goals` when sent), `spent` a decimal string
  >= 0; one row per (banner, day) across the whole load.
"""

from __future__ import annotations

from typing import Any

from requests import Response

from loaders.common.ads_window import Window
from loaders.common.validation import AnswerCheck

STATS_CALL = "/api/v2/statistics/banners/day.json"


def check_list_page(response: Response, *args: Any, **kwargs: Any) -> None:
    """A response hook for list pages (after the status hook): the envelope is whole."""
    path = response.request.path_url.split("?")[0] if response.request else "?"
    check = AnswerCheck("vk_ads", path, None)
    body = response.json()
    check.count(check.key(body, "count", "the page"), "count", "the page")
    for number, item in enumerate(check.items(body, "items", "the page"), start=1):
        check.ident(check.key(item, "id", f"item {number}"), "id", f"item {number}")


def stats_rows(body: Any, ids: list[int], days: Window, check: AnswerCheck) -> list[dict[str, Any]]:
    """The rows of one statistics answer for banners `ids` over `days`, checked."""
    call = AnswerCheck("vk_ads", f"{STATS_CALL} (ids {ids[0]}..{ids[-1]})", days, check.seen)
    asked = set(ids)
    rows = []
    for number, item in enumerate(call.items(body, "items", "the answer"), start=1):
        banner = call.ident(call.key(item, "id", f"item {number}"), "id", f"item {number}")
        if banner not in asked:
            call.fail(f"item {number}", f"banner {banner} was not asked for")
        for place, row in enumerate(call.items(item, "rows", f"banner {banner}"), start=1):
            where = f"banner {banner} row {place}"
            day = call.day(call.key(row, "date", where), "date", where)
            where = f"banner {banner} row {place} (date {day})"
            call.unique((banner, day), where)
            base = call.key(row, "base", where)
            goals = base.get("goals") if isinstance(base, dict) else None
            rows.append(
                {
                    "banner_id": banner,
                    "date": str(day),
                    "shows": call.count(call.key(base, "shows", where), "shows", where),
                    "clicks": call.count(call.key(base, "clicks", where), "clicks", where),
                    "spent": call.money(call.key(base, "spent", where), "spent", where),
                    "goals": call.count(goals or 0, "goals", where),
                }
            )
    return rows
