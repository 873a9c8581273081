"""SIGKILL of the nightly job mid-extract, mid-load, mid-build and mid-publish, then a re-run.

Each kill point is reached deterministically: the kill-point hook (tests/python/kill_points,
put on PYTHONPATH only here) pauses the loader or dbt child at a named statement and writes
a file; the test waits for that file and SIGKILLs the nightly's whole process group, as an
OOM killer or a power cut would. After each kill the published marts are all old or all new
(never half-new), and the next `make nightly` completes with the marts equal to the source.

The publish step (write-audit-publish: marts built in `marts_build`, then exchanged into
`marts`) is killed right before its one EXCHANGE statement (every mart's pair in it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests_py.ops_support import make_fresh, moscow_now, nightly, ops_env, wait_for
from tests_py.test_mysql_loader import assert_marts_match_mysql

from devtools.demo_shop.generator import apply_changes, write_shop
from devtools.harness.paths import REPO
from devtools.harness.warehouse import Warehouse

KILL_POINTS = Path(__file__).parent / "kill_points"
MARTS = (
    "fct_orders",
    "fct_order_items",
    "dim_users",
    "mart_dimension_metrics",
    "mart_dimension_top_products",
)
POINTS: dict[str, dict[str, str]] = {
    # the second batch dlt writes: one table extracted, the next under way
    "extract": {"KILL_POINT": "extract", "KILL_POINT_NTH": "2"},
    # the merge of order lines into raw: orders and users may be merged, lines are not
    "load": {"KILL_POINT": "sql", "KILL_POINT_SQL": r"^INSERT INTO `raw`\.`mysql__zakazy_tovary`"},
    # dbt starts the segment mart: fct_orders, fct_order_items and dim_users are built
    "build": {
        "KILL_POINT": "sql",
        "KILL_POINT_SQL": r'"node_id": "model\.shop_analytics\.mart_dimension_metrics"',
    },
    # the publish step: every mart built and tested, the one EXCHANGE statement not yet sent
    "publish": {
        "KILL_POINT": "sql",
        "KILL_POINT_SQL": r"\bexchange\s+tables\b.*\bmarts_build\b",
    },
}
CASES = ["extract", "load", "build", "publish"]


@pytest.fixture(scope="module")
def shop(mariadb: Any) -> dict[str, str]:
    admin = mariadb.create_database("crash_shop")
    write_shop(admin, scale=0.001, seed=5)
    make_fresh(admin)
    return {"admin": admin, "readonly": mariadb.url("crash_shop", readonly=True)}


@pytest.fixture(scope="module")
def warehouse(shop: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    warehouse = Warehouse(tmp_path_factory.mktemp("crash"), shop["readonly"])
    done = nightly(warehouse)
    assert done.returncode == 0, done.stdout + done.stderr
    return warehouse


def fingerprints(warehouse: Warehouse) -> list[list[Any]]:
    sql = " UNION ALL ".join(
        f"SELECT '{mart}', count(), sum(cityHash64(toString(tuple(*)))) FROM marts.{mart}"
        for mart in MARTS
    )
    return sorted(warehouse.query(sql))


def kill_nightly_at(warehouse: Warehouse, point: str) -> str:
    """Start `make nightly`, wait for the kill point, SIGKILL the whole job; its output."""
    ready = warehouse.root / f"paused-{point}"
    ready.unlink(missing_ok=True)
    path = os.pathsep.join(filter(None, [str(KILL_POINTS), os.environ.get("PYTHONPATH")]))
    env = ops_env(warehouse, PYTHONPATH=path, KILL_POINT_READY=str(ready), **POINTS[point])
    log = warehouse.root / f"killed-{point}.log"
    with log.open("wb") as out:
        job = subprocess.Popen(
            [sys.executable, "-m", "ops.nightly"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the loader and dbt die with it
        )
        try:
            wait_for(ready, job)
        finally:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
    paused = int(ready.read_text())
    while _still_running(paused):  # until the paused child is gone: the warehouse is free
        time.sleep(0.05)
    return log.read_text()


def _still_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.parametrize("point", CASES)
def test_killed_night_recovers_and_never_publishes_half(
    point: str, warehouse: Warehouse, shop: dict[str, str]
) -> None:
    apply_changes(
        shop["admin"], seed=len(point), fraction=0.05, now=datetime.fromisoformat(moscow_now())
    )
    before = fingerprints(warehouse)

    output = kill_nightly_at(warehouse, point)
    killed = fingerprints(warehouse)

    done = nightly(warehouse)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "did not finish: killed during step" in done.stdout
    after = fingerprints(warehouse)
    assert after != before, "the night's changes must change the marts"
    assert_marts_match_mysql(warehouse, shop["admin"])
    if point in ("extract", "load"):
        assert killed == before, output  # nothing was built: the marts are untouched
    else:
        assert killed in (before, after), "published marts are half-new after the kill"
    crashed = warehouse.query(
        "SELECT count() FROM marts.mart_nightly_runs WHERE run_status = 'crashed'"
    )
    assert crashed[0][0] == CASES.index(point) + 1
