"""Sandbox VK Ads API v2 at /vk_ads: OAuth tokens, ad plans, ad groups, banners, day stats.

Faults (POST /_sandbox/vk_ads/faults):
    expire_token: true    the current access tokens expire now: the next call gets 401
                          expired_token (a refresh_token grant gives a new one)
    token_limit: true     client_credentials answers 403 (5 live tokens already)
    live_token_limit: n   like VK Ads: client_credentials answers 403 while n tokens are
                          live (POST /api/v2/oauth2/token/delete.json deletes them all)
    rate_limit: n         the next n API calls answer 429 (Retry-After, X-RateLimit-*)
    server_error: n       the next n API calls answer 500
    page_limit: k         grant at most k items per list page (default 100)
    revision: 1           revised statistics: new spend on the last day, one row gone before it
    stats_drop: "items"   statistics answers lack this key ("items"; "rows" or "base": in
                          the first banner's entry / first row)
    stats_tamper: {"field": F, "value": V}
                          the first row of the first banner with rows has V in F ("date",
                          or "shows" / "clicks" / "spent" of its `base`)
    stats_duplicate_row: true   that row comes twice
    list_drop: "items"    list pages lack this key ("items" or "count")
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from devtools.demo_shop.ads import LAST_DAY, DemoAd, day_stats, days_between, demo_ads
from devtools.sandbox.server import Reply, Request, SandboxApi

MAX_IDS = 200
MAX_DAYS = 92
PAGE_LIMIT = 100  # items per list page the sandbox grants (the loader asks for 250)


def _error(status: int, code: str, message: str) -> Reply:
    return Reply.json({"error": {"code": code, "message": message}}, status)


class VkAdsApi(SandboxApi):
    name = "vk_ads"
    prefix = "/vk_ads"

    def __init__(self, n_ads: int = 36, last_day: date = LAST_DAY) -> None:
        super().__init__(last_day)
        self.ads = demo_ads("vk_ads", n_ads, last_day)
        self.by_id: dict[int, DemoAd] = {ad.ad_id: ad for ad in self.ads}
        self.access: dict[str, bool] = {}  # access token -> expired
        self.refresh: set[str] = set()
        self.minted = 0

    def _new_pair(self, refresh: str | None = None) -> Reply:
        access = secrets.token_hex(12)
        self.access[access] = False
        refresh = refresh or secrets.token_hex(12)
        self.refresh.add(refresh)
        answer = {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": "86400",
            "refresh_token": refresh,
        }
        return Reply.json(answer)

    def token(self, form: dict[str, list[str]]) -> Reply:
        grant = (form.get("grant_type") or [""])[0]
        if not (form.get("client_id") or [""])[0] or not (form.get("client_secret") or [""])[0]:
            return _error(401, "invalid_client", "client_id and client_secret required")
        if grant == "client_credentials":
            limit = self.faults.get("live_token_limit")
            if self.faults.get("token_limit") or (limit and len(self.refresh) >= int(limit)):
                return _error(403, "token_limit_exceeded", "Active access token limit reached")
            self.minted += 1
            return self._new_pair()
        if grant == "refresh_token":
            refresh = (form.get("refresh_token") or [""])[0]
            if refresh not in self.refresh:
                return _error(401, "invalid_grant", "unknown refresh token")
            return self._new_pair(refresh)
        return _error(400, "unsupported_grant_type", grant)

    def handle(self, request: Request) -> Reply:
        if request.path == "/api/v2/oauth2/token.json" and request.method == "POST":
            return self.token(request.form())
        if request.path == "/api/v2/oauth2/token/delete.json" and request.method == "POST":
            form = request.form()
            if not (form.get("client_id") or [""])[0] or not (form.get("client_secret") or [""])[0]:
                return _error(401, "invalid_client", "client_id and client_secret required")
            self.access.clear()
            self.refresh.clear()
            return Reply(204)
        if self.faults.get("expire_token"):
            self.faults["expire_token"] = False
            self.access = dict.fromkeys(self.access, True)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.access:
            return Reply.json({"code": "invalid_token", "message": "unknown token"}, 401)
        if self.access[token]:
            return Reply.json({"code": "expired_token", "message": "token expired"}, 401)
        if self._take("rate_limit"):
            headers = {"Retry-After": "1", "X-RateLimit-RPS-Limit": "10"}
            return Reply.json({"error": {"code": "ERR_LIMIT_EXCEEDED"}}, 429, **headers)
        if self._take("server_error"):
            return _error(500, "ERR_INTERNAL", "internal error")
        lists = {
            "/api/v2/ad_plans.json": self.plans,
            "/api/v2/ad_groups.json": self.groups,
            "/api/v2/banners.json": self.banners,
        }
        if request.path in lists:
            return self.page(request.form(), lists[request.path]())
        if request.path == "/api/v2/statistics/banners/day.json":
            return self.stats(request.form())
        return _error(404, "ERR_NOT_FOUND", request.path)

    def plans(self) -> list[dict[str, Any]]:
        seen = {ad.campaign_id: ad.campaign_name for ad in self.ads}
        return [{"id": i, "name": name, "status": "active"} for i, name in sorted(seen.items())]

    def groups(self) -> list[dict[str, Any]]:
        seen = {ad.ad_group_id: ad.campaign_id for ad in self.ads}
        return [
            {"id": g, "ad_plan_id": p, "name": f"group {g}", "status": "active"}
            for g, p in sorted(seen.items())
        ]

    def banners(self) -> list[dict[str, Any]]:
        return [
            {
                "id": ad.ad_id,
                "ad_group_id": ad.ad_group_id,
                "name": f"banner {ad.ad_id}",
                "status": "active",
                "urls": {"primary": {"id": ad.ad_id * 10, "url": ad.landing_url}},
            }
            for ad in self.ads
        ]

    def page(self, form: dict[str, list[str]], items: list[dict[str, Any]]) -> Reply:
        limit = int(self.faults.get("page_limit") or PAGE_LIMIT)
        granted = min(int((form.get("limit") or ["20"])[0]), limit)
        offset = int((form.get("offset") or ["0"])[0])
        page = items[offset : offset + granted]
        answer = {"count": len(items), "offset": offset, "limit": granted, "items": page}
        answer.pop(self.faults.get("list_drop") or "", None)
        return Reply.json(answer)

    def stats(self, form: dict[str, list[str]]) -> Reply:
        ids = [int(i) for i in (form.get("id") or [""])[0].split(",") if i]
        date_from = date.fromisoformat(form["date_from"][0])
        date_to = date.fromisoformat(form["date_to"][0])
        if len(ids) > MAX_IDS:
            return _error(400, "ERR_LIMIT_EXCEEDED", f"at most {MAX_IDS} ids per request")
        if (date_to - date_from).days + 1 > MAX_DAYS or date_to < date_from:
            return _error(400, "ERR_WRONG_DATE", f"at most {MAX_DAYS} days per request")
        revision = int(self.faults.get("revision") or 0)
        items = []
        for ad_id in ids:
            rows: list[dict[str, Any]] = []
            ad = self.by_id.get(ad_id)
            for day in days_between(date_from, date_to):
                if ad is not None and (stats := day_stats("vk_ads", ad, day, revision)) is not None:
                    shows, clicks, spent = stats
                    base = {"shows": shows, "clicks": clicks, "spent": str(spent), "goals": 0}
                    rows.append({"date": day.isoformat(), "base": base})
            items.append({"id": ad_id, "rows": rows, "total": {}})
        return Reply.json(self.corrupt({"items": items, "total": {}}))

    def corrupt(self, answer: dict[str, Any]) -> dict[str, Any]:
        """The statistics faults (module docstring)."""
        drop = self.faults.get("stats_drop")
        first = next((item for item in answer["items"] if item["rows"]), None)
        if drop == "items":
            del answer["items"]
        elif drop == "rows" and answer["items"]:
            del answer["items"][0]["rows"]
        elif drop == "base" and first:
            del first["rows"][0]["base"]
        if (tamper := self.faults.get("stats_tamper")) and first:
            row = first["rows"][0]
            target = row if tamper["field"] == "date" else row["base"]
            target[tamper["field"]] = tamper["value"]
        if self.faults.get("stats_duplicate_row") and first:
            first["rows"].append(dict(first["rows"][0]))
        return answer


API = VkAdsApi
