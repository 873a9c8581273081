"""The newcomer's path: `make demo && make status && make nightly && make status` all pass.

The commands are the Makefile's own, run by `make` in a copy of the repository's files
(tracked and untracked, nothing git ignores: no warehouse, demo shop, state or .env), with
none of the project's settings in the environment, as on a fresh clone. What the copy does
not redo is `make setup`: it uses this checkout's virtualenv (`make test` created it just
before, from the same files) and make is told not to rebuild it. The demo shop is smaller
than the default (DEMO_SCALE) and dated today, as `make demo` dates it.

Expected values come from the demo shop's SQLite file, the warehouse's raw tables and the
sources' yml, never from the nightly's own bookkeeping.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.harness.fingerprint import mart_fingerprints
from devtools.harness.paths import REPO
from devtools.harness.warehouse import Warehouse

pytestmark = pytest.mark.long_module  # minutes of nights: xdist starts it first

SCALE = "0.002"
SETTINGS = re.compile(
    r"^(WAREHOUSE_URL|SHOP_DB_URL|SOURCES|LOG_FORMAT|DATALENS_PASSWORD|MAKE|MFLAGS|"
    r"(DBT|DLT|OPS|RUN_LOCK|VK|DIRECT|ADS|ALERT|MYSQL|RUNTIME|LOAD|NORMALIZE)_)"
)
# the business marts: the run-history marts gain a row per night by design
MARTS = (
    "fct_orders",
    "fct_order_items",
    "dim_users",
    "mart_dimension_metrics",
    "mart_dimension_top_products",
    "mart_ad_daily",
    "mart_romi_city_daily",
)
LOAD_LINE = re.compile(r" load (\w+): ok, (\d+) rows in [0-9.]+ s \((.*)\)$")


class Clone:
    """A copy of the repository's files where `make` runs as on a fresh clone."""

    def __init__(self, root: Path) -> None:
        self.root = root
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            source = REPO / name
            if source.is_file():  # not a tracked file deleted in the working tree
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, root / name, follow_symlinks=False)
        (root / ".venv").symlink_to(REPO / ".venv")
        self.env = {k: v for k, v in os.environ.items() if not SETTINGS.match(k)}
        self.warehouse = Warehouse(root, f"sqlite:///{root / 'demo' / 'shop.sqlite'}")

    def make(self, *args: str) -> subprocess.CompletedProcess[str]:
        # -o: the virtualenv is this checkout's; make must never reinstall it from the copy
        command = ["make", "--silent", "-o", ".venv/.installed-stamp", *args]
        return subprocess.run(
            command, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=1800
        )


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Clone:
    return Clone(tmp_path_factory.mktemp("clone"))


@pytest.fixture(scope="module")
def steps(clone: Clone) -> dict[str, Any]:
    """Each command's result in order, then the marts before and after the second night."""
    done: dict[str, Any] = {"demo": clone.make("demo", f"DEMO_SCALE={SCALE}")}
    done["status after demo"] = clone.make("status", "ARGS=--json")
    done["marts after demo"] = mart_fingerprints(clone.warehouse, MARTS)
    done["nightly"] = clone.make("nightly")
    done["status after nightly"] = clone.make("status", "ARGS=--json")
    done["marts after nightly"] = mart_fingerprints(clone.warehouse, MARTS)
    return done


def declared_tables() -> dict[str, dict[str, str]]:
    """Per source of models/staging/*: its tables and the raw table each lands in."""
    tables: dict[str, dict[str, str]] = {}
    for path in REPO.glob("models/staging/*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            tables[source["name"]] = {
                t["name"]: t.get("identifier", t["name"]) for t in source["tables"]
            }
    return tables


def loaded_tables(output: str) -> dict[str, dict[str, int]]:
    """The nightly's `load <source>: ok, N rows in S s (table n, ...)` lines: rows per table."""
    loads = {}
    for line in output.splitlines():
        if found := LOAD_LINE.search(line):
            source, rows, tables = found.groups()
            pairs = [item.rsplit(" ", 1) for item in tables.split(", ") if item]
            loads[source] = {table: int(count) for table, count in pairs}
            assert sum(loads[source].values()) == int(rows), line
    return loads


@pytest.mark.parametrize("step", ["demo", "status after demo", "nightly", "status after nightly"])
def test_every_command_succeeds(steps: dict[str, Any], step: str) -> None:
    done = steps[step]
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-3000:]}"


def test_demo_loads_every_source_and_prints_the_marts(steps: dict[str, Any]) -> None:
    output = steps["demo"].stdout
    assert "nightly run: ok" in output
    assert re.search(r"marts\.fct_orders +[0-9,]+ rows", output)  # the demo report
    assert "ROMI" in output


def test_each_source_line_counts_that_sources_own_tables(
    steps: dict[str, Any], clone: Clone
) -> None:
    declared = declared_tables()
    loads = loaded_tables(steps["demo"].stdout)
    assert set(loads) == {"mysql", "vk", "vk_ads", "yandex_direct"}
    with sqlite3.connect(clone.root / "demo" / "shop.sqlite") as shop:
        for table, rows in loads["mysql"].items():
            assert rows == shop.execute(f"select count(*) from {table}").fetchone()[0], table
    for source, tables in loads.items():
        # a first load: every table of the source, as many rows as its raw table holds
        assert set(tables) == set(declared[source]), source
        for table, rows in tables.items():
            landed = clone.warehouse.query(f"select count() from raw.{declared[source][table]}")
            assert rows == landed[0][0], (source, table)


def test_status_after_demo_describes_every_source_fresh(steps: dict[str, Any]) -> None:
    report = json.loads(steps["status after demo"].stdout)
    assert report["ok"] and not report["problems"]
    assert {s["source"]: s["last_status"] for s in report["sources"]} == {
        "mysql": "success",
        "vk": "success",
        "vk_ads": "success",
        "yandex_direct": "success",
    }
    checked = {t["table"].split(".")[0] for t in report["freshness"]}
    assert checked == {"mysql", "vk", "vk_ads", "yandex_direct"}
    assert {t["status"] for t in report["freshness"]} == {"pass"}


def test_a_second_night_on_the_unchanged_shop_changes_no_mart_row(
    steps: dict[str, Any],
) -> None:
    assert steps["marts after nightly"] == steps["marts after demo"]
    output = steps["nightly"].stdout
    assert set(loaded_tables(output)) == {"mysql"}
    for source in ("vk", "vk_ads", "yandex_direct"):  # no credentials outside the demo
        assert re.search(rf" load {source}: skipped:? .*(not set|no credentials)", output), source


def test_status_after_nightly_and_the_run_history(steps: dict[str, Any], clone: Clone) -> None:
    report = json.loads(steps["status after nightly"].stdout)
    assert report["ok"], report["problems"]
    assert {s["source"] for s in report["sources"]} == {"mysql", "vk", "vk_ads", "yandex_direct"}
    runs = clone.warehouse.query("select run_status from marts.mart_nightly_runs")
    assert runs == [["success"], ["success"]]
    sources = clone.warehouse.query(
        "select source_name from marts.mart_data_health_sources order by source_name"
    )
    assert sources == [["mysql"], ["vk"], ["vk_ads"], ["yandex_direct"]]
