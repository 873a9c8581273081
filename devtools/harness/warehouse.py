"""One temporary embedded warehouse, with the env that points loaders and dbt at it.

The nightly job runs as child processes, exactly like cron runs it. chDB holds one engine
per process and locks its directory, so nothing here opens the warehouse in the calling
process: queries go through a short-lived child (`devtools.harness.warehouse_cli`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from devtools.harness.children import ChildRun, run_child
from devtools.harness.paths import DBT, REPO
from ops.nightly import NIGHT_BUILD


def child_env(warehouse_url: str, shop_db_url: str, pipelines_dir: Path) -> dict[str, str]:
    """The environment that points a loader or dbt child process at one warehouse."""
    return {
        **os.environ,
        "WAREHOUSE_URL": warehouse_url,
        "SHOP_DB_URL": shop_db_url,
        "DLT_PIPELINES_DIR": str(pipelines_dir),
        "DBT_PROFILES_DIR": str(REPO),
    }


@dataclass(frozen=True)
class Warehouse:
    """An embedded warehouse under `root` that loads from `shop_db_url`.

    When `parse_seed` is set (the tests set it: tests/python/conftest.py), its dbt target dir
    starts with that parse of the project, as a production target dir keeps last night's:
    dbt re-parses only what differs (other vars, changed files) instead of everything.
    `warm_parse=False` keeps a cold start (a test about what a full parse prints).
    """

    root: Path
    shop_db_url: str
    warm_parse: bool = True
    parse_seed: ClassVar[Path | None] = None

    def __post_init__(self) -> None:
        parsed = self.target / "partial_parse.msgpack"
        if self.warm_parse and Warehouse.parse_seed is not None and not parsed.exists():
            parsed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Warehouse.parse_seed, parsed)

    @property
    def url(self) -> str:
        return f"chdb:{self.root / 'warehouse'}"

    @property
    def pipelines_dir(self) -> Path:
        return self.root / "pipelines"

    @property
    def target(self) -> Path:
        return self.root / "target"

    @property
    def run_results(self) -> Path:
        return self.target / "run_results.json"

    def env(self, **extra: str) -> dict[str, str]:
        return {**child_env(self.url, self.shop_db_url, self.pipelines_dir), **extra}

    def dbt_command(self, *args: str) -> list[str]:
        command = [DBT, *args, "--target-path", str(self.target)]
        return [*command, "--log-path", str(self.root / "logs")]

    # -- tests: run, capture the output, let the test judge the exit code

    def load(self, **extra: str) -> subprocess.CompletedProcess[str]:
        """`make load` as cron runs it: the loader CLI in its own process."""
        return self.run([sys.executable, "-m", "loaders"], timeout=600, **extra)

    def dbt(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return self.run(self.dbt_command(*args), timeout=900, **extra)

    def night_build(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """`dbt build` as the nightly runs it, without the unit tests: their verdict depends
        on the code only, so `make test` runs them once, in its dbt stage."""
        return self.dbt(*NIGHT_BUILD, *args, **extra)

    def full_refresh(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """`dbt run --full-refresh` of the incremental models and all downstream of one: what
        the incremental tests compare a night with, on the raw data that night just ran on.
        The models it leaves read no incremental model, and every run rebuilds them from their
        inputs alike, but the change sets: a full refresh empties them, and an incremental
        model reads them only when it runs incrementally."""
        selected = ("--select", "config.materialized:incremental+")
        return self.dbt("run", "--full-refresh", *selected, *args, **extra)

    def run(
        self, command: list[str], timeout: float = 600, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=REPO,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def query(self, sql: str) -> list[list[Any]]:
        """Rows of one query, as JSON-able lists (Decimals and dates as strings)."""
        done = subprocess.run(
            [sys.executable, "-m", "devtools.harness.warehouse_cli", self.url, sql],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"query failed: {sql}\n{done.stderr[-2000:]}")
        return json.loads(done.stdout)

    # -- bench: timed children (wall, CPU, peak RSS), output to a log, failure raises

    def timed_load(self, label: str) -> ChildRun:
        command = [sys.executable, "-m", "loaders"]
        return run_child(f"load ({label})", command, self.env(), self.root / f"{label}-load.log")

    def timed_dbt_build(self, label: str) -> ChildRun:
        return run_child(
            f"dbt build ({label})",
            self.dbt_command("build"),
            self.env(),
            self.root / f"{label}-dbt.log",
        )


@contextmanager
def held_by_another_process(warehouse_url: str) -> Iterator[None]:
    """For the block, another process has the embedded warehouse open (chDB locks it)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from warehouse_client import open_client;"
            f" c = open_client({warehouse_url!r}); print('open', flush=True); time.sleep(600)",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if holder.stdout is None or holder.stdout.readline().strip() != "open":
            raise RuntimeError(f"could not open {warehouse_url} in a holder process")
        yield
    finally:
        holder.kill()
        holder.wait()


def assert_ok(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, (
        f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
