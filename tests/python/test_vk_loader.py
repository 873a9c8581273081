"""The VK loader against the sandbox VK API, with users from a real MariaDB shop.

Runs in file order over one warehouse: no token, a malformed answer, the daily quota after
two batches, error 6 bursts with a dropped id, a re-run, stale and changed ids behind HTTP
5xx, a rejected token, then dim_users. Expected ids come from MariaDB and the sandbox's
requests log; expected profile fields from the sandbox's own profiles (never the loader).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from devtools.demo_shop.generator import write_shop
from devtools.harness.paths import REPO
from devtools.harness.warehouse import Warehouse, assert_ok
from devtools.sandbox.server import SandboxServer
from devtools.sandbox.vk_api import profile_for

TOKEN = f"vk-test-token-{uuid.uuid4().hex}"
BATCH = 25
OUTPUTS: list[str] = []  # everything every loader run printed, for the token check
CHANGED_VK_ID = 999_000_001


@pytest.fixture(scope="module")
def shop(mariadb: Any) -> Iterator[Any]:
    write_shop(mariadb.admin_url, scale=0.002, seed=11)
    yield mariadb


@pytest.fixture(scope="module")
def warehouse(shop: Any, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    warehouse = Warehouse(tmp_path_factory.mktemp("vk"), shop.readonly_url)
    assert_ok(warehouse.load(SOURCES="mysql"))
    return warehouse


def load_vk(warehouse: Warehouse, sandbox: SandboxServer, **env: str) -> Any:
    settings = {
        "SOURCES": "vk",
        "VK_API_URL": f"{sandbox.url('vk')}/method",
        "VK_TOKEN": TOKEN,
        "VK_BATCH_SIZE": str(BATCH),
        "VK_MIN_GAP_SECONDS": "0",
        # dlt's retry settings: the same retries, without the waiting
        "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.01",
        "RUNTIME__REQUEST_MAX_RETRY_DELAY": "0.1",
    }
    done = warehouse.load(**{**settings, **env})
    OUTPUTS.append(done.stdout + done.stderr)
    return done


def calls(sandbox: SandboxServer) -> list[list[int]]:
    """The ids of every users.get request since the last clear, in order."""
    return [
        [int(i) for i in ",".join(call["params"]["user_ids"]).split(",")]
        for call in sandbox.apis["vk"].calls
    ]


def failure_lines(done: Any) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("load failed")]


def linked_vk_ids(url: str) -> set[int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT vk_id FROM users WHERE vk_id IS NOT NULL"))
            return {int(row[0]) for row in rows}
    finally:
        engine.dispose()


def stored(warehouse: Warehouse) -> dict[int, list[str]]:
    """vk_id -> its outcomes, oldest fetch first."""
    if warehouse.query("EXISTS TABLE raw.vk__users") == [[0]]:
        return {}
    rows = warehouse.query("SELECT vk_id, outcome FROM raw.vk__users ORDER BY fetched_at")
    outcomes: dict[int, list[str]] = {}
    for vk_id, outcome in rows:
        outcomes.setdefault(int(vk_id), []).append(outcome)
    return outcomes


def warehouse_command(warehouse: Warehouse, sql: str) -> None:
    script = (
        "import sys; from warehouse_client import open_client; "
        "c = open_client(sys.argv[1]); c.command(sys.argv[2], settings={'mutations_sync': 2})"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, warehouse.url, sql],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_without_token_the_source_is_skipped_in_one_line(
    warehouse: Warehouse, sandbox: SandboxServer
) -> None:
    sandbox.clear()
    done = load_vk(warehouse, sandbox, VK_TOKEN="")
    assert_ok(done)
    [line] = [line for line in done.stderr.splitlines() if "source vk" in line]
    assert line.endswith("source vk skipped: VK_TOKEN is not set (set it to load VK profiles)")
    assert calls(sandbox) == []
    # nothing touched the warehouse: dbt builds without the VK table (base_vk__user_fetches)
    assert warehouse.query("EXISTS TABLE raw.vk__users") == [[0]]


def test_invalid_settings_fail_in_one_line(warehouse: Warehouse, sandbox: SandboxServer) -> None:
    sandbox.clear()
    done = load_vk(warehouse, sandbox, VK_BATCH_SIZE="5000")
    # checked with every other setting, before anything runs
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "configuration error: VK_BATCH_SIZE=5000 is out of range: use 1..1000"
    )
    assert calls(sandbox) == []


def test_malformed_json_is_one_line_naming_the_batch_and_stores_nothing(
    warehouse: Warehouse, sandbox: SandboxServer
) -> None:
    sandbox.clear()
    sandbox.set_faults("vk", malformed_json=1)
    done = load_vk(warehouse, sandbox)
    assert done.returncode != 0
    [line] = failure_lines(done)
    assert "batch 1 of" in line and "malformed JSON" in line, line
    assert len(calls(sandbox)) == 1  # a malformed answer is not retried
    assert stored(warehouse) == {}


def test_quota_after_two_batches_keeps_them(
    warehouse: Warehouse, sandbox: SandboxServer, shop: Any
) -> None:
    sandbox.clear()
    sandbox.set_faults("vk", error29_after=2)
    done = load_vk(warehouse, sandbox)
    assert done.returncode != 0
    [line] = failure_lines(done)
    assert "quota" in line and "error 29" in line and "batch 3 of" in line, line
    requested = calls(sandbox)
    assert len(requested) == 3
    assert set(stored(warehouse)) == set(requested[0]) | set(requested[1])
    assert len(stored(warehouse)) == 2 * BATCH
    assert set(requested[0]) | set(requested[1]) <= linked_vk_ids(shop.admin_url)


def test_error_6_twice_then_success_fetches_only_the_rest(
    warehouse: Warehouse, sandbox: SandboxServer, shop: Any
) -> None:
    landed = set(stored(warehouse))
    rest = sorted(linked_vk_ids(shop.admin_url) - landed)
    dropped = rest[3]
    sandbox.clear()
    sandbox.set_faults("vk", error6_burst=2, drop_ids=[dropped], reorder=True)
    done = load_vk(warehouse, sandbox)
    assert_ok(done)
    requested = calls(sandbox)
    batches = -(-len(rest) // BATCH)
    assert len(requested) == batches + 2
    assert requested[0] == requested[1] == requested[2]  # the same batch, retried
    assert {i for ids in requested for i in ids} == set(rest)  # nothing landed is asked again
    outcomes = stored(warehouse)
    assert set(outcomes) == linked_vk_ids(shop.admin_url)
    assert all(len(v) == 1 for v in outcomes.values())
    assert outcomes[dropped] == ["not_returned"]


def expected_outcome(vk_id: int) -> str:
    profile = profile_for(vk_id)
    if profile is None:
        return "not_returned"
    return "deactivated" if profile.get("deactivated") else "profile"


def test_outcomes_and_fields_are_what_vk_returned(warehouse: Warehouse, shop: Any) -> None:
    rows = warehouse.query(
        "SELECT vk_id, outcome, deactivated, is_closed, sex, bdate, city_title, occupation_type,"
        " career FROM raw.vk__users"
    )
    dropped = {r[0] for r in rows if r[1] == "not_returned" and profile_for(r[0]) is not None}
    assert len(dropped) == 1
    kinds = set()
    for vk_id, outcome, deactivated, closed, sex, bdate, city, occupation, career in rows:
        if vk_id in dropped:
            continue
        assert outcome == expected_outcome(vk_id), vk_id
        profile = profile_for(vk_id) or {}
        assert deactivated == profile.get("deactivated")
        assert sex == profile.get("sex")
        assert bdate == profile.get("bdate")
        assert city == (profile.get("city") or {}).get("title")
        assert occupation == (profile.get("occupation") or {}).get("type")
        # the career entries keep what the models read: position and from
        kept = [
            {key: entry[key] for key in ("position", "from") if key in entry}
            for entry in profile.get("career") or []
        ]
        assert (json.loads(career) if career else None) == (kept if "career" in profile else None)
        kinds.add(deactivated or ("closed" if closed else outcome))
    assert {"deleted", "banned", "closed", "profile"} <= kinds


def test_rerun_fetches_nothing(warehouse: Warehouse, sandbox: SandboxServer) -> None:
    before = warehouse.query("SELECT count() FROM raw.vk__users")
    sandbox.clear()
    done = load_vk(warehouse, sandbox)
    assert_ok(done)
    assert calls(sandbox) == []
    assert "nothing to fetch" in done.stderr
    assert warehouse.query("SELECT count() FROM raw.vk__users") == before


def test_5xx_then_success_refetches_only_stale_and_changed_ids(
    warehouse: Warehouse, sandbox: SandboxServer, shop: Any
) -> None:
    stale = sorted(linked_vk_ids(shop.admin_url))[:7]
    warehouse_command(
        warehouse,
        "ALTER TABLE raw.vk__users UPDATE fetched_at = fetched_at - INTERVAL 40 DAY"
        f" WHERE vk_id IN ({','.join(map(str, stale))})",
    )
    engine = sa.create_engine(shop.admin_url)
    with engine.begin() as conn:
        user_id = conn.execute(
            sa.text("SELECT max(id) FROM users WHERE vk_id IS NOT NULL")
        ).scalar()
        conn.execute(
            sa.text(
                "UPDATE users SET vk_id = :vk_id, updated_at = '2026-11-23 12:00:00' WHERE id = :id"
            ),
            {"vk_id": CHANGED_VK_ID, "id": user_id},
        )
    engine.dispose()
    assert_ok(warehouse.load(SOURCES="mysql"))

    sandbox.clear()
    sandbox.set_faults("vk", http5xx=2)
    done = load_vk(warehouse, sandbox)
    assert_ok(done)
    requested = calls(sandbox)
    assert len(requested) == 3 and requested[0] == requested[1] == requested[2]
    assert set(requested[2]) == {*stale, CHANGED_VK_ID}
    outcomes = stored(warehouse)
    assert all(len(outcomes[i]) == 2 for i in stale)
    assert outcomes[CHANGED_VK_ID] == [expected_outcome(CHANGED_VK_ID)]


def test_rejected_token_stops_in_one_line(warehouse: Warehouse, sandbox: SandboxServer) -> None:
    before = warehouse.query("SELECT count() FROM raw.vk__users")
    sandbox.clear()
    sandbox.set_faults("vk", error5=True)
    done = load_vk(warehouse, sandbox, VK_REFRESH_DAYS="0")
    assert done.returncode != 0
    [line] = failure_lines(done)
    assert "error 5" in line and "VK_TOKEN" in line, line
    assert len(calls(sandbox)) == 1  # not retried
    assert warehouse.query("SELECT count() FROM raw.vk__users") == before


def test_timeouts_are_retried_then_stop_in_one_line(
    warehouse: Warehouse, sandbox: SandboxServer
) -> None:
    before = warehouse.query("SELECT count() FROM raw.vk__users")
    sandbox.clear()
    sandbox.set_faults("vk", slow_seconds=1.0)
    done = load_vk(
        warehouse,
        sandbox,
        VK_REFRESH_DAYS="0",
        RUNTIME__REQUEST_TIMEOUT="0.3",
        RUNTIME__REQUEST_MAX_ATTEMPTS="2",
    )
    assert done.returncode != 0
    [line] = failure_lines(done)
    assert "ReadTimeout" in line and "retries exhausted" in line and "batch 1 of" in line, line
    assert len(calls(sandbox)) == 2
    assert warehouse.query("SELECT count() FROM raw.vk__users") == before


def test_dim_users_takes_the_newest_usable_profile(warehouse: Warehouse, shop: Any) -> None:
    assert_ok(warehouse.night_build("-s", "+dim_users", "--exclude-resource-type", "test"))
    engine = sa.create_engine(shop.admin_url)
    with engine.connect() as conn:
        users: dict[int, int | None] = {
            row[0]: row[1] for row in conn.execute(sa.text("SELECT id, vk_id FROM users"))
        }
    engine.dispose()
    dropped = {
        vk_id
        for vk_id, outcome in warehouse.query(
            "SELECT vk_id, argMax(outcome, fetched_at) FROM raw.vk__users GROUP BY vk_id"
        )
        if outcome == "not_returned" and profile_for(vk_id) is not None
    }
    rows = warehouse.query("SELECT user_id, has_vk_profile, city FROM marts.dim_users")
    assert len(rows) == len(users)
    for user_id, has_profile, city in rows:
        vk_id = users[user_id]
        profile = profile_for(vk_id) if vk_id and vk_id not in dropped else None
        usable = profile is not None and not profile.get("deactivated")
        assert bool(has_profile) == usable, user_id
        title = ((profile or {}).get("city") or {}).get("title") if usable else None
        assert city == (title.strip().lower() if title else "unknown"), user_id
    assert sum(1 for row in rows if row[1]) > len(rows) / 3


def test_the_token_is_never_printed_or_stored(warehouse: Warehouse) -> None:
    assert OUTPUTS and not any(TOKEN in output for output in OUTPUTS)
    for (table,) in warehouse.query("SELECT name FROM system.tables WHERE database = 'raw'"):
        hits = warehouse.query(
            f"SELECT count() FROM raw.`{table}` WHERE position(toString(tuple(*)), '{TOKEN}') > 0"
        )
        assert hits == [[0]], table
    for path in Path(warehouse.root).rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
