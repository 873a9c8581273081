"""One run at a time per warehouse: a second `make load` exits at once naming the holder,
a child of the holder runs under its lock, and no run deletes another run's working dir."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from devtools.demo_shop.generator import write_shop
from devtools.harness.paths import REPO
from devtools.harness.warehouse import Warehouse, assert_ok
from loaders.common.run_lock import lock_path, run_lock

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

HOLD = """
import sys, time
from loaders.common.run_lock import run_lock
with run_lock(sys.argv[1], "test holder"):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture(scope="module")
def shop_url(mariadb: Any) -> str:
    admin_url = mariadb.create_database("lock_shop")
    write_shop(admin_url, scale=0.001, seed=3)
    return str(admin_url).replace(
        f"{mariadb.admin_user}:{mariadb.admin_password}",
        f"{mariadb.readonly_user}:{mariadb.readonly_password}",
    )


def test_second_load_exits_at_once_naming_the_holder(tmp_path: Path, shop_url: str) -> None:
    warehouse = Warehouse(tmp_path, shop_url)
    locks = str(tmp_path / "locks")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, warehouse.url],
        cwd=REPO,
        env=warehouse.env(RUN_LOCK_DIR=locks),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        done = warehouse.load(RUN_LOCK_DIR=locks)
        assert time.monotonic() - started < 60  # at once: it never waits for the lock
        assert done.returncode == 1
        assert f"another run is in progress ({socket.gethostname()}, pid {holder.pid}, since " in (
            done.stderr
        )
        assert not any((tmp_path / "warehouse").iterdir())  # nothing was written
    finally:
        holder.kill()
        holder.wait()
    assert_ok(warehouse.load(RUN_LOCK_DIR=locks))  # the lock died with its holder


def test_a_child_of_the_holder_runs_under_its_lock(tmp_path: Path, shop_url: str) -> None:
    warehouse = Warehouse(tmp_path, shop_url)
    locks = str(tmp_path / "locks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RUN_LOCK_DIR", locks)
        with run_lock(warehouse.url, "nightly") as path:
            assert path == lock_path(warehouse.url)
            # given RUN_LOCK_HELD: `make load` as the nightly's child
            assert_ok(warehouse.load(RUN_LOCK_DIR=locks, RUN_LOCK_HELD=str(path)))
            # without it, the same command is refused
            refused = warehouse.load(RUN_LOCK_DIR=locks, RUN_LOCK_HELD="")
            assert refused.returncode == 1
            assert "another run is in progress" in refused.stderr


def test_runs_never_delete_each_others_working_dirs(tmp_path: Path, shop_url: str) -> None:
    warehouse = Warehouse(tmp_path, shop_url)
    pipelines = warehouse.pipelines_dir
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        # the working dir of a run still going (another warehouse, same DLT_PIPELINES_DIR)
        # and one left behind by a killed run
        (pipelines / f"mysql.run-{live.pid}").mkdir(parents=True)
        (pipelines / f"mysql.run-{live.pid}" / "marker").write_text("mine")
        (pipelines / f"mysql.run-{dead.pid}").mkdir()
        assert_ok(warehouse.load(RUN_LOCK_DIR=str(tmp_path / "locks")))
        assert (pipelines / f"mysql.run-{live.pid}" / "marker").read_text() == "mine"
        assert not (pipelines / f"mysql.run-{dead.pid}").exists()
        # besides the live run's, only the finished run's own dir is left (kept for its
        # trace until the next run)
        others = [p.name for p in pipelines.iterdir() if p.name != f"mysql.run-{live.pid}"]
        assert len(others) == 1 and others[0].startswith("mysql.run-")
    finally:
        live.kill()
        live.wait()
