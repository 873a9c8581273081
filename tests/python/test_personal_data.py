"""Personal data only where a model needs it (docs/personal-data.md).

The shop's `users` table has e-mail, phone and names; no model uses them, so the loader lands
none of them, in `raw`, dlt's staging copy or dlt's files on disk, and a warehouse loaded by
an older loader (the columns already in `raw`, with values) loses them on the next load,
without any drift reported. Everything the loader writes is readable by its user only.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.harness.mariadb import MariaDBServer
from devtools.harness.warehouse import Warehouse, assert_ok
from tests.python.test_mysql_loader import new_shop

PII = ("email", "phone", "first_name", "last_name")
LANDED = [
    "_dlt_load_id",
    "birthday",
    "created_at",
    "gender",
    "id",
    "updated_at",
    "vk_id",
]
COLUMNS = "SELECT name FROM system.columns WHERE database = 'raw' AND table = '{}' ORDER BY name"


@dataclass
class Loaded:
    warehouse: Warehouse
    done: subprocess.CompletedProcess[str]
    written: list[Path]  # every file and directory the load wrote, before anything else ran
    not_private: list[Path]


@pytest.fixture(scope="module")
def loaded(mariadb: MariaDBServer, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    root = tmp_path_factory.mktemp("personal")
    warehouse = Warehouse(root, new_shop(mariadb)[1])
    done = warehouse.load()
    written = [warehouse.pipelines_dir, *warehouse.pipelines_dir.rglob("*")]
    written += [root / "warehouse", *(root / "warehouse").rglob("*")]
    group_or_other = stat.S_IRWXG | stat.S_IRWXO
    not_private = [
        p for p in written if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & group_or_other
    ]
    return Loaded(warehouse, done, written, not_private)


def columns(warehouse: Warehouse, table: str) -> list[str]:
    return [row[0] for row in warehouse.query(COLUMNS.format(table))]


def reported_columns(warehouse: Warehouse) -> set[str]:
    """The columns any finding of the loader names (raw.mysql__load_events, once one exists)."""
    if not columns(warehouse, "mysql__load_events"):
        return set()
    return {row[0] for row in warehouse.query("SELECT column_name FROM raw.mysql__load_events")}


def test_the_loader_lands_no_contact_data_or_names(loaded: Loaded) -> None:
    warehouse, done = loaded.warehouse, loaded.done
    assert_ok(done)
    assert columns(warehouse, "mysql__users") == LANDED
    # the shop has them: they are neither landed nor reported as a drift
    assert "added" not in done.stderr and "drift" not in done.stderr.lower()
    assert not reported_columns(warehouse) & set(PII)
    # dlt's files of the load are deleted once loaded (.dlt/config.toml)
    jobs = [p for p in loaded.written if "completed_jobs" in p.parts and p.is_file()]
    assert not jobs, jobs


def test_everything_the_loader_writes_is_private(loaded: Loaded) -> None:
    assert_ok(loaded.done)
    assert len(loaded.written) > 20
    assert not loaded.not_private, loaded.not_private[:5]


def test_an_older_warehouse_loses_the_columns_on_the_next_load(
    loaded: Loaded, tmp_path: Path
) -> None:
    original = loaded.warehouse
    assert_ok(loaded.done)
    shutil.copytree(original.root / "warehouse", tmp_path / "warehouse", symlinks=True)
    warehouse = Warehouse(tmp_path, original.shop_db_url)
    for column in PII:  # what the loader used to land (a first load has no staging table)
        warehouse.query(f"ALTER TABLE raw.mysql__users ADD COLUMN {column} Nullable(String)")
    warehouse.query(
        "ALTER TABLE raw.mysql__users UPDATE email = 'a@b.c' WHERE 1 SETTINGS mutations_sync = 1"
    )
    assert warehouse.query("SELECT countIf(email = 'a@b.c') > 0 FROM raw.mysql__users") == [[1]]
    again = warehouse.load()
    assert_ok(again)
    assert columns(warehouse, "mysql__users") == LANDED
    assert not set(columns(warehouse, "mysql_staging__users")) & set(PII)
    assert "dropped_or_renamed" not in again.stderr
    assert not reported_columns(warehouse) & set(PII)
