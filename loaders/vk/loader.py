"""VK profiles of the shop's users → raw.vk__users, one row per requested id and fetch.

Who is fetched: every distinct `vk_id` of the shop's users (the latest row of each user in
raw.mysql__users) whose outcome was never stored or is older than VK_REFRESH_DAYS. A changed
`vk_id` is a new id, so it is fetched on the next run. Every requested id gets an outcome with
its fetch time, so an id VK drops is not asked again until it is stale.

Outcomes land every LAND_EVERY_BATCHES calls (dlt appends; staging keeps the newest per id).
When VK stops the source (auth failure, daily quota, retries exhausted, a malformed answer)
the outcomes already fetched land first, then the run fails in one line: nothing is fetched
twice, and the batch that failed leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.common.pipeline import LoadInfo
from requests import RequestException

from loaders.common.errors import ActionableError
from loaders.common.http import MalformedResponse, describe_http_error
from loaders.common.pipeline import make_pipeline
from loaders.common.settings import RunSettings
from loaders.vk.api import AUTH_FAILED, QUOTA_REACHED, VkApi, VkApiError
from loaders.vk.outcomes import COLUMNS, UNREADABLE, outcome_rows
from loaders.vk.settings import VkSettings
from warehouse_client import open_client

log = logging.getLogger(__name__)

NAME = "vk"  # the source: pipeline and dataset
TABLE = "users"  # raw.vk__users
LAND_EVERY_BATCHES = 10  # a stop loses no fetched outcome; a load package per ~10k ids

_DUE_IDS = """
WITH
linked AS (
    SELECT DISTINCT toInt64(vk_id) AS vk_id
    FROM (
        SELECT id, vk_id FROM raw.mysql__users
        ORDER BY id, updated_at DESC, _dlt_load_id DESC
        LIMIT 1 BY id
    )
    WHERE vk_id IS NOT NULL AND vk_id > 0
),
fetched AS (
    SELECT toInt64(vk_id) AS vk_id, max(fetched_at) AS last_fetched_at
    FROM {fetched_table}
    GROUP BY vk_id
)
SELECT linked.vk_id
FROM linked
LEFT JOIN fetched ON linked.vk_id = fetched.vk_id
WHERE fetched.last_fetched_at IS NULL
   OR fetched.last_fetched_at < toDateTime64('{cutoff}', 6, 'UTC')
ORDER BY linked.vk_id
SETTINGS join_use_nulls = 1
"""
_NO_FETCHES = "(SELECT 0 AS vk_id, now64(6, 'UTC') AS fetched_at WHERE 0)"


class VkStopped(ActionableError):
    """VK stopped the source; the message says what was kept and what to do."""


@dlt.resource(name=TABLE, write_disposition="append", columns=COLUMNS)  # type: ignore[call-overload]
def vk_users(rows: list[dict[str, Any]]) -> Iterator[Any]:
    yield rows


def due_ids(warehouse_url: str, refresh_days: float) -> list[int]:
    """The vk_ids to fetch now."""
    cutoff = datetime.now(UTC) - timedelta(days=refresh_days)
    client = open_client(warehouse_url)
    try:
        tables = {
            row[0]
            for row in client.query(
                "SELECT name FROM system.tables WHERE database = 'raw'"
                " AND name IN ('mysql__users', 'vk__users')"
            ).result_rows
        }
        if "mysql__users" not in tables:
            log.info("vk: no shop users in the warehouse yet (the mysql source loads them)")
            return []
        sql = _DUE_IDS.format(
            fetched_table="raw.vk__users" if "vk__users" in tables else _NO_FETCHES,
            cutoff=cutoff.strftime("%Y-%m-%d %H:%M:%S.%f"),
        )
        return [int(row[0]) for row in client.query(sql).result_rows]
    finally:
        client.close()


def load(run: RunSettings, settings: VkSettings) -> LoadInfo | None:
    """Fetch and land the due profiles. None when nothing was due (logged).

    The pipeline is made only when there is something to fetch.
    """
    due = due_ids(run.warehouse_url, settings.refresh_days)
    if not due:
        log.info("source vk: nothing to fetch (every linked vk_id fetched recently)")
        return None
    return Fetch(make_pipeline(NAME, run), VkApi(settings), due, settings.batch_size).run()


class Fetch:
    """One run over the due ids: fetch batch by batch, land every few batches."""

    def __init__(self, pipeline: dlt.Pipeline, api: VkApi, due: list[int], batch_size: int):
        self.pipeline, self.api = pipeline, api
        self.batches = [due[i : i + batch_size] for i in range(0, len(due), batch_size)]
        self.pending: list[dict[str, Any]] = []
        self.landed = 0
        self.info: LoadInfo | None = None

    def run(self) -> LoadInfo | None:
        total = len(self.batches)
        log.info("vk: fetching %d ids in %d batch(es)", sum(map(len, self.batches)), total)
        for number, ids in enumerate(self.batches, start=1):
            try:
                users = self.api.users_get(ids)
                rows = outcome_rows(ids, users, datetime.now(UTC))
            except RequestException as error:  # every ApiError is one
                self.land()  # what came back before the failure stays
                raise self.stopped(error, number, ids) from None
            self.pending.extend(rows)
            for row in (r for r in rows if r["outcome"] == UNREADABLE):
                log.warning("vk: vk_id %s: profile unreadable: %s", row["vk_id"], row["problem"])
            if number % LAND_EVERY_BATCHES == 0:
                self.land()
        self.land()
        log.info("vk: %d outcomes stored in %d call(s)", self.landed, self.api.calls)
        return self.info

    def land(self) -> None:
        if self.pending:
            self.info = self.pipeline.run(vk_users(self.pending))
            self.landed += len(self.pending)
            self.pending = []

    def stopped(self, error: Exception, number: int, ids: list[int]) -> VkStopped:
        total = len(self.batches)
        left = sum(map(len, self.batches[number - 1 :]))
        batch = f"batch {number} of {total} (vk_ids {ids[0]}..{ids[-1]})"
        kept = f"{self.landed} outcome(s) stored, {left} id(s) left for the next run"
        code = getattr(error, "code", None)
        if code == QUOTA_REACHED:
            return VkStopped(
                f"VK daily quota reached (error 29) at {batch}; {kept}; "
                "re-run after the quota resets (next day) or use another VK_TOKEN"
            )
        if code == AUTH_FAILED:
            return VkStopped(
                f"VK rejected VK_TOKEN (error 5, authorization failed) at {batch}; {kept}; "
                "set VK_TOKEN to a valid service key or user token"
            )
        if isinstance(error, MalformedResponse):
            return VkStopped(f"VK users.get {batch}: {error}; nothing of this batch stored; {kept}")
        if isinstance(error, VkApiError):
            retried = " (retries exhausted)" if error.retryable else ""
            return VkStopped(f"VK users.get {batch}: {error}{retried}; {kept}; re-run later")
        return VkStopped(
            f"VK users.get {batch}: {describe_http_error(error)} (retries exhausted); {kept}; "
            "check VK_API_URL and re-run later"
        )
