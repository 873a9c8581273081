"""Sandbox VK API: `users.get` with deterministic profiles for any vk_id.

Base URL for the loader: `http://127.0.0.1:<port>/vk/method` (VK_API_URL). A profile is a
pure function of the id (`profile_for`), so the demo shop's vk_ids (demo_shop.vk_id_for)
always get the same answer. Among them: every `bdate` form (D.M.YYYY, D.M, absent), deleted
and banned pages, closed profiles (sex and city only), careers with and without `from` and
`position`, every occupation type, and city titles in Cyrillic with odd case and spaces.
About 2 % of ids are "invalid": VK drops them from the answer without a word.

Fault switches (`server.set_faults("vk", ...)` or POST /_sandbox/vk/faults):
    error5: true              every call answers error 5 (authorization failed)
    error6_burst: N           the next N calls answer error 6 (too many requests per second)
    error29_after: N          after N calls (since the last clear), every call answers 29
    http5xx: N                the next N calls answer HTTP 502 (http5xx_status to change it)
    malformed_json: N         the next N calls answer a truncated JSON body
    slow_seconds: S           every answer waits S seconds
    drop_ids: [id, ...]       these ids are silently left out of the answers
    reorder: true             users come back in reverse request order
    quirks: {"<vk_id>": {...}}  these fields replace that user's own (if VK returns the id),
                              e.g. {"occupation": {"type": "work", "id": 960775.0}} (VK has
                              sent ids as 960775.000000) or a career position of U+3000
"""

from __future__ import annotations

from random import Random
from typing import Any

from devtools.sandbox.server import Reply, Request, SandboxApi

DEMO_TOKEN = "sandbox-vk-token"
MAX_IDS = 1000

CITY_TITLES: dict[str, tuple[int, tuple[str, ...]]] = {  # id, spellings seen in the wild
    "москва": (1, ("Москва", "МОСКВА", " москва ")),
    "санкт-петербург": (2, ("Санкт-Петербург", "санкт-петербург ", "САНКТ-ПЕТЕРБУРГ")),
    "нижний новгород": (35, ("Нижний Новгород", "НИЖНИЙ НОВГОРОД", " нижний новгород")),
    "екатеринбург": (49, ("Екатеринбург", "екатеринбург")),
    "новосибирск": (99, ("Новосибирск", " Новосибирск ")),
    "казань": (60, ("Казань", "КАЗАНЬ ")),
    "тверь": (148, ("Тверь",)),
    "самара": (123, ("Самара", "самара")),
    "краснодар": (72, ("Краснодар",)),
    "воронеж": (42, ("Воронеж", " ВОРОНЕЖ")),
}
CITY_WEIGHTS = (30, 15, 8, 7, 6, 6, 3, 4, 4, 3)
POSITIONS = (
    "Менеджер",
    " ПРОГРАММИСТ ",
    "Инженер",
    "бухгалтер",
    "Дизайнер ",
    "Продавец-консультант",
    "Врач",
    "Учитель",
    "Водитель",
    "Маркетолог",
)
COMPANIES = ("ООО «Ромашка»", "Сбер", "Яндекс", "РЖД", "Магнит", "Школа № 57", "ИП Петров")
UNIVERSITIES = ("МГУ", "СПбГУ", "ННГУ", "УрФУ", "НГУ", "КФУ")
SCHOOLS = ("Школа № 1", "Гимназия № 2", "Лицей № 3")
FIRST_NAMES = ("Анна", "Мария", "Иван", "Сергей", "Ольга", "Дмитрий")
LAST_NAMES = ("Иванова", "Смирнов", "Кузнецова", "Попов", "Петрова", "Соколов")


def _choice(rng: Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def profile_for(vk_id: int) -> dict[str, Any] | None:
    """The user object users.get returns for `vk_id`, or None for an invalid id."""
    rng = Random(f"vk-profile:{vk_id}")
    kind = _choice(rng, {"invalid": 2, "deleted": 4, "banned": 2, "closed": 10, "open": 82})
    if kind == "invalid":
        return None
    user: dict[str, Any] = {
        "id": vk_id,
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(LAST_NAMES),
    }
    if kind in ("deleted", "banned"):
        # VK shows "DELETED" and no other field for a deactivated page
        user.update(first_name="DELETED", last_name="", deactivated=kind)
        user.update(is_closed=False, can_access_closed=True)
        return user
    closed = kind == "closed"
    user.update(is_closed=closed, can_access_closed=not closed)
    user["sex"] = _choice(rng, {1: 48, 2: 44, 0: 8})
    if rng.random() < 0.92:
        name = rng.choices(list(CITY_TITLES), weights=CITY_WEIGHTS)[0]
        city_id, spellings = CITY_TITLES[name]
        user["city"] = {"id": city_id, "title": rng.choice(spellings)}
    if closed:
        return user  # a closed profile shows a service key little more than sex and city
    bdate_form = _choice(rng, {"full": 55, "no_year": 25, "hidden": 20})
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    if bdate_form == "full":
        user["bdate"] = f"{day}.{month}.{rng.randint(1950, 2011)}"
    elif bdate_form == "no_year":
        user["bdate"] = f"{day}.{month}"
    if rng.random() < 0.8:
        user["occupation"] = _occupation(rng)
    if rng.random() < 0.6:
        user["career"] = _career(rng)
    return user


def _occupation(rng: Random) -> dict[str, Any]:
    kind = _choice(rng, {"work": 55, "university": 30, "school": 15})
    names = {"work": COMPANIES, "university": UNIVERSITIES, "school": SCHOOLS}[kind]
    return {"type": kind, "id": rng.randint(1, 10**6), "name": rng.choice(names)}


def _career(rng: Random) -> list[dict[str, Any]]:
    entries, year = [], rng.randint(1995, 2012)
    for _ in range(rng.randint(1, 3)):
        entry: dict[str, Any] = (
            {"company": rng.choice(COMPANIES)}
            if rng.random() < 0.8
            else {"group_id": rng.randint(1, 10**7)}
        )
        if rng.random() < 0.85:
            entry["position"] = rng.choice(POSITIONS)
        if rng.random() < 0.7:
            entry["from"] = year
        year += rng.randint(1, 5)
        if rng.random() < 0.5:
            entry["until"] = year
        entry.update(city_id=1, country_id=1)
        entries.append(entry)
    return entries


def _error(code: int, message: str, params: dict[str, list[str]]) -> Reply:
    request_params = [{"key": k, "value": v[-1]} for k, v in params.items() if k != "access_token"]
    return Reply.json(
        {"error": {"error_code": code, "error_msg": message, "request_params": request_params}}
    )


class VkApi(SandboxApi):
    name = "vk"
    prefix = "/vk"

    def handle(self, request: Request) -> Reply:
        params = request.form()
        reply = self._answer(request, params)
        reply.delay = float(self.faults.get("slow_seconds") or 0)
        return reply

    def _answer(self, request: Request, params: dict[str, list[str]]) -> Reply:
        if request.path != "/method/users.get":
            return _error(3, "Unknown method passed", params)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        token = bearer or (params.get("access_token") or [""])[-1]
        if not token or self.faults.get("error5"):
            return _error(5, "User authorization failed: invalid access_token (4).", params)
        if self._take("http5xx"):
            status = int(self.faults.get("http5xx_status") or 502)
            return Reply.text("<html><body>Bad Gateway</body></html>", status)
        if self._take("error6_burst"):
            return _error(6, "Too many requests per second", params)
        after = self.faults.get("error29_after")
        if after is not None and len(self.calls) > int(after):  # calls so far, this one included
            return _error(29, "Rate limit reached", params)
        raw_ids = ",".join(params.get("user_ids") or []).split(",")
        ids = [int(i) for i in raw_ids if i.strip().isdigit()]
        if not ids or len(raw_ids) > MAX_IDS:
            return _error(100, "One of the parameters specified was missing or invalid", params)
        if self._take("malformed_json"):
            truncated = b'{"response": [{"id": 1, "first_na'
            return Reply(200, truncated, {"Content-Type": "application/json"})
        dropped = {int(i) for i in self.faults.get("drop_ids") or []}
        users = [u for i in ids if i not in dropped and (u := profile_for(i)) is not None]
        quirks = self.faults.get("quirks") or {}
        users = [{**u, **quirks.get(str(u["id"]), {})} for u in users]
        if self.faults.get("reorder"):
            users.reverse()
        if not users:
            return _error(113, "Invalid user id", params)
        return Reply.json({"response": users})


API = VkApi
