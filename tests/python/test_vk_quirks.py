"""VK answers with recorded quirks: one bad profile costs one profile, and text that only
looks empty is empty.

One shop, loaded once; the sandbox VK API serves three linked users with a quirk each (its
`quirks` switch): an `occupation.id` of 960775.000000 (a float; VK has sent ids so, and no
model reads it), a `sex` sent as the text "2" (a field a model reads, of the wrong type),
and a career position that is only an ideographic space U+3000. Expected values come from
the sandbox's profiles and the rules of docs/marts.md, never from the loader.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from devtools.harness.mariadb import MariaDBServer
from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from devtools.sandbox.vk_api import profile_for
from tests.python.test_mysql_loader import new_shop

PROFESSIONS = {"work": "работает", "university": "студент", "school": "школьник"}


@dataclass
class Quirks:
    warehouse: Warehouse
    done: subprocess.CompletedProcess[str]
    float_id: int  # vk_id whose occupation.id is 960775.0
    text_sex: int  # vk_id whose sex is "2"
    blank_position: int  # vk_id whose only career position is U+3000
    batch: list[int]  # the ids asked for in the one users.get call
    users: dict[int, int]  # vk_id -> shop user id


def open_profiles(admin_url: str) -> dict[int, int]:
    """vk_id -> user id of linked users whose sandbox profile is open and has an occupation."""
    engine = sa.create_engine(admin_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, vk_id FROM users WHERE vk_id IS NOT NULL"))
        linked = {int(row.vk_id): int(row.id) for row in rows}
    engine.dispose()
    return {
        vk_id: user_id
        for vk_id, user_id in sorted(linked.items())
        if (p := profile_for(vk_id)) and "occupation" in p and not p.get("is_closed")
    }


@pytest.fixture(scope="module")
def quirks(
    mariadb: MariaDBServer, sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Quirks:
    admin_url, readonly_url = new_shop(mariadb)
    users = open_profiles(admin_url)
    float_id, text_sex, blank_position = list(users)[:3]
    warehouse = Warehouse(tmp_path_factory.mktemp("vk_quirks"), readonly_url)
    assert_ok(warehouse.load(SOURCES="mysql"))
    sandbox.clear()
    occupation = profile_for(float_id)["occupation"]  # type: ignore[index]
    sandbox.set_faults(
        "vk",
        quirks={
            str(float_id): {"occupation": {**occupation, "id": 960775.0}},
            str(text_sex): {"sex": "2"},
            str(blank_position): {"career": [{"position": "\u3000", "from": 2030}]},
        },
    )
    done = warehouse.load(
        SOURCES="vk",
        VK_API_URL=f"{sandbox.url('vk')}/method",
        VK_TOKEN="vk-quirks-token",
        VK_MIN_GAP_SECONDS="0",
    )
    (call,) = sandbox.apis["vk"].calls
    batch = [int(i) for i in call["params"]["user_ids"][0].split(",")]
    return Quirks(warehouse, done, float_id, text_sex, blank_position, batch, users)


@pytest.fixture(scope="module")
def built(quirks: Quirks) -> Warehouse:
    """The marts built (without their tests) over the quirky profiles; tests only read them,
    or change a copy of nothing but dim_users' columns."""
    assert_ok(quirks.done)
    assert_ok(quirks.warehouse.night_build("-s", "+dim_users", "--exclude-resource-type", "test"))
    return quirks.warehouse


def outcome(q: Quirks, vk_id: int) -> list[Any]:
    (row,) = q.warehouse.query(
        f"SELECT outcome, occupation_id, sex, problem FROM raw.vk__users WHERE vk_id = {vk_id}"
    )
    return row


def test_one_bad_profile_costs_one_profile(quirks: Quirks) -> None:
    assert_ok(quirks.done)
    # the unused field in an odd form: the profile lands whole
    assert outcome(quirks, quirks.float_id)[:2] == ["profile", 960775]
    # a field a model reads, of the wrong type: that profile alone, named with its field
    assert outcome(quirks, quirks.text_sex) == [
        "unreadable",
        None,
        None,
        "sex: str where VK documents int",
    ]
    line = f"vk: vk_id {quirks.text_sex}: profile unreadable: sex: str where VK documents int"
    assert line in quirks.done.stderr
    # the rest of its batch landed with the outcome VK's answer gives each id
    landed = dict(quirks.warehouse.query("SELECT vk_id, outcome FROM raw.vk__users"))
    assert set(landed) == set(quirks.batch)
    for vk_id in set(quirks.batch) - {quirks.text_sex}:
        profile = profile_for(vk_id)
        wanted = (
            "not_returned"
            if profile is None
            else "deactivated"
            if profile.get("deactivated")
            else "profile"
        )
        assert landed[vk_id] == wanted, vk_id


def test_a_position_of_white_space_is_no_profession(quirks: Quirks, built: Warehouse) -> None:
    w = built
    user_id = quirks.users[quirks.blank_position]
    occupation = profile_for(quirks.blank_position)["occupation"]["type"]  # type: ignore[index]
    assert w.query(f"SELECT profession FROM marts.dim_users WHERE user_id = {user_id}") == [
        [PROFESSIONS[occupation]]
    ]
    # the unreadable profile counts as none: the shop's own fields are used
    text_sex_user = quirks.users[quirks.text_sex]
    assert w.query(
        f"SELECT has_vk_profile FROM marts.dim_users WHERE user_id = {text_sex_user}"
    ) == [[False]]


def test_a_dim_users_built_with_identifiers_loses_them(built: Warehouse) -> None:
    """A warehouse built when dim_users still published vk_id, birth_date and created_at: the
    next (incremental) build drops them from the published mart."""
    w = built
    w.query(
        "ALTER TABLE marts.dim_users ADD COLUMN vk_id Nullable(UInt64),"
        " ADD COLUMN birth_date Nullable(Date32), ADD COLUMN created_at DateTime"
    )
    assert_ok(w.night_build("-s", "+dim_users", "--exclude-resource-type", "test"))
    published = w.query(
        "SELECT name FROM system.columns WHERE database = 'marts' AND table = 'dim_users'"
    )
    names = {row[0] for row in published}
    assert {"user_id", "sex", "age", "city"} <= names
    assert not names & {"vk_id", "birth_date", "created_at"}
