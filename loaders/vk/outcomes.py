"""One row per requested VK id and fetch: its outcome, and the profile fields as VK sent them.

Outcomes: 'profile' (a user object without `deactivated`), 'deactivated' (deleted or banned:
VK omits the other fields), 'not_returned' (VK dropped the id silently) and 'unreadable' (a
field a model reads came with a type VK does not document: `problem` names the field; the
profile counts as absent and the rest of its batch lands). Fields no model reads (city and
occupation ids, occupation name, the closed flags) land when they fit their column and as
NULL otherwise: they never fail a profile. Results are matched to requests by `id`, never by
position. Names are not landed, nor the career entries' companies: no model needs them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any


class UnreadableField(ValueError):
    """A field a model reads, of a type VK does not document."""


PROFILE, DEACTIVATED, NOT_RETURNED = "profile", "deactivated", "not_returned"
UNREADABLE = "unreadable"  # a field a model reads came with another type: `problem` says which

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
    "career": {"data_type": "text"},  # the `career` list as JSON text: position and from
    "problem": {"data_type": "text"},  # an unreadable profile: the field and what came
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
    try:
        row.update(_fields(user))
    except UnreadableField as error:  # this profile alone; the rest of its batch lands
        row.update(dict.fromkeys(COLUMNS), vk_id=vk_id, fetched_at=fetched_at)
        row.update(outcome=UNREADABLE, problem=str(error))
    return row


def _fields(user: dict[str, Any]) -> dict[str, Any]:
    deactivated = _field(user, "deactivated", str)
    fields: dict[str, Any] = {
        "outcome": DEACTIVATED if deactivated else PROFILE,
        "deactivated": deactivated,
        "is_closed": _loose(user, "is_closed", bool),
        "can_access_closed": _loose(user, "can_access_closed", bool),
    }
    if deactivated:
        return fields  # VK sends no profile fields for deleted or banned pages
    city = _loose(user, "city", dict) or {}
    occupation = _loose(user, "occupation", dict) or {}
    fields.update(
        sex=_field(user, "sex", int),
        bdate=_field(user, "bdate", str),
        city_id=_loose(city, "id", int),
        city_title=_field(city, "title", str, "city.title"),
        occupation_type=_field(occupation, "type", str, "occupation.type"),
        occupation_id=_loose(occupation, "id", int),
        occupation_name=_loose(occupation, "name", str),
        career=_career(user),
    )
    return fields


def _career(user: dict[str, Any]) -> str | None:
    """The career list as JSON text, each entry with what the models read (position, from)."""
    career = _field(user, "career", list)
    if career is None:
        return None
    entries = []
    for entry in career:
        if not isinstance(entry, dict):
            raise UnreadableField(f"career: an entry is {type(entry).__name__}")
        kept = {
            "position": _field(entry, "position", str, "career.position"),
            "from": _field(entry, "from", int, "career.from"),
        }
        entries.append({key: value for key, value in kept.items() if value is not None})
    return json.dumps(entries, ensure_ascii=False)


def _fits(value: Any, kind: type) -> Any:
    """The value as `kind` when it is one without loss (VK sends flags as 0/1 and some ids
    as 960775.000000), else a TypeError."""
    if kind is bool and value in (0, 1):
        return bool(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(type(value).__name__)
    return value


def _field(obj: dict[str, Any], key: str, kind: type, name: str | None = None) -> Any:
    """A field a model reads: of its type, or the profile is unreadable."""
    value = obj.get(key)
    if value is None:
        return None
    try:
        return _fits(value, kind)
    except TypeError:
        raise UnreadableField(
            f"{name or key}: {type(value).__name__} where VK documents {kind.__name__}"
        ) from None


def _loose(obj: dict[str, Any], key: str, kind: type) -> Any:
    """A field no model reads: landed when it fits its column, else NULL (never a failure)."""
    value = obj.get(key)
    try:
        return None if value is None else _fits(value, kind)
    except TypeError:
        return None
