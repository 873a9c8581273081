"""One row per requested VK id and fetch: its outcome, and the profile fields as VK sent them.

Outcomes: 'profile' (a user object without `deactivated`), 'deactivated' (deleted or banned:
VK omits the other fields) and 'not_returned' (VK dropped the id silently). Results are
matched to requests by `id`, never by position. Names are not landed: no model needs them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from loaders.common.http import MalformedResponse

PROFILE, DEACTIVATED, NOT_RETURNED = "profile", "deactivated", "not_returned"

# declared up front: the table exists with these types even before any profile came back
COLUMNS: dict[str, dict[str, Any]] = {
    "vk_id": {"data_type": "bigint", "nullable": False},
    "outcome": {"data_type": "text", "nullable": False},
    "deactivated": {"data_type": "text"},
    "is_closed": {"data_type": "bool"},
    "can_access_closed": {"data_type": "bool"},
    "sex": {"data_type": "bigint"},
    "bdate": {"data_type": "text"},
    "city_id": {"data_type": "bigint"},
    "city_title": {"data_type": "text"},
    "occupation_type": {"data_type": "text"},
    "occupation_id": {"data_type": "bigint"},
    "occupation_name": {"data_type": "text"},
    "career": {"data_type": "text"},  # the `career` list as JSON text, entries as sent
    "fetched_at": {"data_type": "timestamp", "nullable": False},
}


def outcome_rows(
    requested: Sequence[int], users: Sequence[dict[str, Any]], fetched_at: datetime
) -> list[dict[str, Any]]:
    """A row for every requested id; users VK sent for ids not requested are ignored."""
    by_id = {user["id"]: user for user in users}
    return [_row(vk_id, by_id.get(vk_id), fetched_at) for vk_id in requested]


def _row(vk_id: int, user: dict[str, Any] | None, fetched_at: datetime) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(vk_id=vk_id, fetched_at=fetched_at)
    if user is None:
        row["outcome"] = NOT_RETURNED
        return row
    deactivated = _field(user, "deactivated", str)
    row.update(
        outcome=DEACTIVATED if deactivated else PROFILE,
        deactivated=deactivated,
        is_closed=_field(user, "is_closed", bool),
        can_access_closed=_field(user, "can_access_closed", bool),
    )
    if deactivated:
        return row  # VK sends no profile fields for deleted or banned pages
    city = _field(user, "city", dict) or {}
    occupation = _field(user, "occupation", dict) or {}
    career = _field(user, "career", list)
    row.update(
        sex=_field(user, "sex", int),
        bdate=_field(user, "bdate", str),
        city_id=_field(city, "id", int),
        city_title=_field(city, "title", str),
        occupation_type=_field(occupation, "type", str),
        occupation_id=_field(occupation, "id", int),
        occupation_name=_field(occupation, "name", str),
        career=json.dumps(career, ensure_ascii=False) if career is not None else None,
    )
    return row


def _field(obj: dict[str, Any], key: str, kind: type) -> Any:
    value = obj.get(key)
    if value is None:
        return None
    if kind is bool and value in (0, 1):  # VK sends some flags as 0/1
        return bool(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MalformedResponse(f"unexpected answer: `{key}` is {type(value).__name__}")
    return value
