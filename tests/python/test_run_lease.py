"""The run lease in the warehouse (warehouse_client/run_lease.py): one run at a time across
hosts, taken over only after it expired or its holder died on this machine.

What is proven here, and how: the embedded warehouse is one process's at a time, so
simultaneous takers are threads of one child process, each with clients of its own, on one
chDB engine that runs their statements at the same time; every round they start take() at
one barrier. That proves the protocol under real concurrent statements (one CREATE TABLE of
the lease wins, one RENAME ends an expired lease). Two takers on two hosts reach a ClickHouse
server instead, which gives the same statements the same one-winner guarantee; that is not
run here (no server). Across processes, real `make load`, `dbt build` and nightly-style
holders show the lease stopping a run whose file lock is elsewhere (another checkout's
RUN_LOCK_DIR, or another host), a holder killed on this machine taken over at once, and an
expired lease of another host taken over.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devtools.demo_shop.generator import write_shop
from devtools.harness.paths import REPO
from devtools.harness.warehouse import Warehouse, assert_ok

SCENARIOS = Path(__file__).with_name("warehouse_scenarios.py")
# a run that holds the lease like `make nightly` on the embedded warehouse: the warehouse
# closed again, the lease in it
HOLD = """
import time
from loaders.common.run_lock import run_guard
from loaders.common.settings import RunSettings
with run_guard(RunSettings.from_env(), "make nightly", heartbeat=False) as env:
    print(env["RUN_LEASE_HELD"], flush=True)
    time.sleep(300)
"""


def scenario(url: str, name: str, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, str(SCENARIOS), name, url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_simultaneous_takers_never_both_hold(tmp_path: Path) -> None:
    takers, rounds = 8, 10
    results = scenario(f"chdb:{tmp_path / 'warehouse'}", "race", str(takers), str(rounds))

    assert len(results) == rounds
    for number, result in enumerate(results):
        winners = [token for status, token in result["outcome"] if status == "won"]
        assert len(winners) == 1, result  # never two, never none
        assert result["holder"] == winners[0]
        refusals = [text for status, text in result["outcome"] if status == "refused"]
        assert len(refusals) == takers - 1
        for text in refusals:
            assert text.startswith(f"another run is in progress ({socket.gethostname()}, pid ")
        if number % 2:  # the expired lease was ended once, by whichever taker won that race
            assert result["expired"] not in winners
            assert f"run_lease_ended_{result['expired']}" in result["ended"]


def test_a_heartbeat_extends_the_lease_and_a_lost_holder_touches_nothing(tmp_path: Path) -> None:
    outcome = scenario(f"chdb:{tmp_path / 'warehouse'}", "heartbeats")

    assert outcome == {
        "expired_before": True,
        "expired_after_heartbeat": False,
        "first_ends": True,
        "second_holds": True,
        "lost_could_end": False,  # its end would have been the second's lease
        "rows_of_lost_in_lease": 0,  # its late heartbeat did not extend the second's lease
        "second_ends": True,
        "nobody_holds": True,
    }


@pytest.fixture(scope="module")
def shop_url(mariadb: Any) -> str:
    admin_url = mariadb.create_database("lease_shop")
    write_shop(admin_url, scale=0.001, seed=4)
    return str(mariadb.url("lease_shop", readonly=True))


def start_holder(warehouse: Warehouse, locks: Path) -> tuple[subprocess.Popen[str], str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        cwd=REPO,
        env=warehouse.env(RUN_LOCK_DIR=str(locks)),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    token = holder.stdout.readline().strip()
    assert len(token) == 32, token
    return holder, token


def databases(warehouse: Warehouse) -> set[str]:
    return {name for [name] in warehouse.query("SELECT name FROM system.databases")}


def test_a_run_elsewhere_stops_load_and_dbt_at_once(tmp_path: Path, shop_url: str) -> None:
    """The holder's file lock is in another directory (another checkout, or another host):
    only the lease in the warehouse stands between them."""
    warehouse = Warehouse(tmp_path, shop_url)
    holder, token = start_holder(warehouse, tmp_path / "their-locks")
    try:
        mine = str(tmp_path / "my-locks")
        refused = warehouse.load(RUN_LOCK_DIR=mine)
        assert refused.returncode == 1
        line = (
            f"load not started: another run is in progress ({socket.gethostname()}, "
            f"pid {holder.pid}, since "
        )
        assert refused.stderr.startswith(line), refused.stderr
        assert refused.stderr.count("\n") == 1  # one line
        built = warehouse.night_build(RUN_LOCK_DIR=mine)
        assert built.returncode != 0
        assert f"another run is in progress ({socket.gethostname()}, pid {holder.pid}" in (
            built.stdout
        )
        # nothing loaded or built (dbt creates its empty databases before its first hook)
        assert "raw" not in databases(warehouse)
        assert warehouse.query(
            "SELECT count() FROM system.tables WHERE database NOT IN "
            "('system', 'information_schema', 'INFORMATION_SCHEMA', 'ops')"
        ) == [[0]]
        # a step of the holder's own run goes through (the nightly's children)
        assert_ok(warehouse.load(RUN_LOCK_DIR=mine, RUN_LEASE_HELD=token))
        stale = warehouse.load(RUN_LOCK_DIR=mine, RUN_LEASE_HELD="0" * 32)
        assert stale.returncode == 1 and "is no longer held by its run" in stale.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # killed on this machine: its lease is taken over at once, not after it expires
    done = warehouse.load(RUN_LOCK_DIR=str(tmp_path / "my-locks"))
    assert_ok(done)
    assert "died with its process: taken over" in done.stderr
    ended = {name for name, _ in scenario(warehouse.url, "tables")}
    assert f"run_lease_ended_{token}" in ended and "run_lease" not in ended  # released


def test_another_hosts_lease_stops_a_run_until_it_expires(tmp_path: Path, shop_url: str) -> None:
    warehouse = Warehouse(tmp_path, shop_url)
    live, expired = "a" * 32, "b" * 32
    scenario(warehouse.url, "foreign", live, "5", "5")
    refused = warehouse.load(RUN_LOCK_DIR=str(tmp_path / "locks"))
    assert refused.returncode == 1
    assert "another run is in progress (cron-box, pid 4242, since " in refused.stderr
    # that run ends; the next one there dies without a trace and its lease expires
    tables = {name: comment for name, comment in scenario(warehouse.url, "tables")}
    assert json.loads(tables["run_lease"])["token"] == live
    scenario(warehouse.url, "command", f"RENAME TABLE ops.run_lease TO ops.run_lease_ended_{live}")
    scenario(warehouse.url, "foreign", expired, "20", "-10")

    done = warehouse.load(RUN_LOCK_DIR=str(tmp_path / "locks"))
    assert_ok(done)
    assert "run lease of make nightly (cron-box, pid 4242, since " in done.stderr
    assert "expired: taken over" in done.stderr
    tables = {name: comment for name, comment in scenario(warehouse.url, "tables")}
    assert f"run_lease_ended_{expired}" in tables
    assert "run_lease" not in tables  # the load released its own lease
    assert "raw" in databases(warehouse)


def test_lease_settings_are_checked_before_anything_runs(tmp_path: Path, shop_url: str) -> None:
    warehouse = Warehouse(tmp_path, shop_url)
    for variable, value, says in (
        ("RUN_LEASE_TTL_SECONDS", "5", "RUN_LEASE_TTL_SECONDS='5' is not a lease time"),
        ("WAREHOUSE_CLUSTER", "shop", "WAREHOUSE_CLUSTER is set but WAREHOUSE_URL is the embedded"),
        ("WAREHOUSE_CLUSTER", "a b", "WAREHOUSE_CLUSTER='a b' is not a cluster name"),
    ):
        done = warehouse.load(RUN_LOCK_DIR=str(tmp_path / "locks"), **{variable: value})
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"configuration error: {says}"), done.stderr
        assert done.stderr.count("\n") == 1
    assert not any((tmp_path / "warehouse").iterdir())  # not opened
