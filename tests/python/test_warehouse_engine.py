"""The version decisions (warehouse_client/engine.py): the rules, and that they hold on the engine
of the venv the tests run in (`make test-compat` runs this module on ClickHouse 24.8 and 25.8,
`make test` on 26.9): what the project uses where the engine has it, and what it avoids where
it does not, tried on the engine itself."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from devtools.harness.paths import REPO
from warehouse_client import Engine

# Run in a child (chDB holds one engine per process): the engine the venv's warehouse_client
# sees, and what that engine does with each statement (None when it ran, else its error line).
PROBE = """
import json, sys
from warehouse_client import open_client, warehouse_engine
url = sys.argv[1]
client = open_client(url)
engine = warehouse_engine(url)

def outcome(sql, **kwargs):
    try:
        client.command(sql, **kwargs)
    except Exception as error:
        return str(error).strip().splitlines()[0]
    return None

server_settings = dict(client.query(
    "select name, value from system.server_settings where name in"
    " ('background_pool_size', 'database_atomic_delay_before_drop_table_sec')").result_rows)
client.command("create database if not exists a")
client.command("create table a.t (id UInt32) engine = MergeTree order by id"
               " settings enable_block_number_column = 1, enable_block_offset_column = 1")
client.command("insert into a.t select number from numbers(10)")
patch_delete = outcome(
    "delete from a.t where id < 3 settings lightweight_delete_mode = 'lightweight_update'")
patch_parts = client.command(
    "select count() from system.parts where database = 'a' and table = 't' and active"
    " and startsWith(name, 'patch-')")
plain_delete = outcome("delete from a.t where id = 9")
server_bound = outcome("select {n:UInt32}", parameters={"n": 1})
client.command("create table a.f (id Int64) engine = MergeTree order by id")
client.command("insert into a.f select number from numbers(100)")
client.command("create table a.ids (id Int64) engine = MergeTree order by id")
client.command("insert into a.ids values (4), (50), (500)")

def filtered(condition):
    try:
        return int(client.command(
            "select count() from a.f settings additional_table_filters = {'a.f': '%s'}"
            % condition))
    except Exception as error:
        return str(error).strip().splitlines()[0]

bitmap_filter = filtered(
    "bitmapContains((select groupBitmapState(toUInt64(id)) from a.ids), toUInt64(id))")
rows = int(client.command("select count() from a.t"))
# last: chDB 3.x answers the query after a LOGICAL_ERROR with garbage
in_filter = filtered("id in (select id from a.ids)")
json.dump({
    "server_settings": server_settings,
    "version": engine.version, "chdb": engine.chdb, "patch_part_deletes": engine.patch_part_deletes,
    "parallel_load_jobs": engine.parallel_load_jobs, "patch_delete": patch_delete,
    "patch_parts": int(patch_parts), "plain_delete": plain_delete, "server_bound": server_bound,
    "rows": rows, "in_subquery_table_filters": engine.in_subquery_table_filters,
    "in_filter": in_filter, "bitmap_filter": bitmap_filter,
}, sys.stdout)
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    warehouse = tmp_path_factory.mktemp("engine") / "warehouse"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, f"chdb:{warehouse}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout))


def test_the_engine_is_read_from_the_running_chdb(probe: dict[str, Any]) -> None:
    import chdb

    assert probe["chdb"] == chdb.__version__
    assert probe["version"].split(".")[:2] == chdb.engine_version.split(".")[:2]


def test_the_embedded_engine_starts_with_a_servers_background_threads(
    probe: dict[str, Any],
) -> None:
    # chDB's own 2 ran a mutation's parts 4 at a time, pausing up to 1 s between batches
    assert probe["server_settings"]["background_pool_size"] == "16"
    # dropped tables go at once (chDB 4.4), not 480 s later, when no process is left to see it;
    # chDB 3.x's clickhouse-local refuses the option and keeps ClickHouse's default
    delay = "480" if probe["chdb"].startswith("3.") else "0"
    assert probe["server_settings"]["database_atomic_delay_before_drop_table_sec"] == delay


def test_patch_part_deletes_are_used_exactly_where_the_engine_has_them(
    probe: dict[str, Any],
) -> None:
    if probe["patch_part_deletes"]:
        assert probe["patch_delete"] is None
        assert probe["patch_parts"] > 0
    elif probe["patch_delete"] is not None:  # before 25.7 the setting is unknown
        assert "lightweight_delete_mode" in probe["patch_delete"]
    # the fallback every supported engine has: an ordinary lightweight DELETE
    assert probe["plain_delete"] is None
    assert probe["rows"] == (6 if probe["patch_delete"] is None else 9)


def test_server_side_parameters_are_refused_in_one_line_only_where_chdb_lacks_them(
    probe: dict[str, Any],
) -> None:
    if probe["parallel_load_jobs"]:  # chDB 4: Connection.query takes params
        assert probe["server_bound"] is None
    else:
        assert "bind them on the client" in probe["server_bound"]


def test_in_subquery_table_filters_are_used_exactly_where_the_engine_takes_them(
    probe: dict[str, Any],
) -> None:
    if probe["in_subquery_table_filters"]:
        assert probe["in_filter"] == 2
    else:
        assert "Not-ready Set" in probe["in_filter"]
    # the fallback every supported engine has: the ids as one bitmap
    assert probe["bitmap_filter"] == 2


@pytest.mark.parametrize(
    ("version", "supported"),
    [("23.8.16.40", False), ("24.3.1.2672", False), ("24.7.6.8", False), ("24.8.4.1", True),
     ("25.3.6.56", True), ("26.9.2.1", True)],
)  # fmt: skip
def test_servers_from_24_8_on_are_supported(version: str, supported: bool) -> None:
    reason = Engine(version).unsupported_reason()
    assert (reason is None) == supported
    if not supported:
        assert reason is not None
        assert version in reason and "24.8 or newer" in reason and "\n" not in reason


@pytest.mark.parametrize(
    ("version", "patch_parts"),
    [("24.8.4.1", False), ("25.3.6.56", False), ("25.7.1.3997", False), ("25.8.2.1", False),
     ("26.3.1.1", False), ("26.9.2.1", True), ("26.10.1.1-stable", True), ("27.1.1.1", True)],
)  # fmt: skip
def test_patch_part_deletes_from_26_9(version: str, patch_parts: bool) -> None:
    engine = Engine(version)
    assert engine.patch_part_deletes == patch_parts
    expected = {"lightweight_delete_mode": "lightweight_update"} if patch_parts else {}
    assert engine.dbt_session_settings() == expected


@pytest.mark.parametrize(
    ("version", "in_subquery"),
    [("24.8.4.1", False), ("25.3.6.56", False), ("25.7.9.1", False), ("25.8.2.1", True),
     ("26.9.2.1", True)],
)  # fmt: skip
def test_in_subquery_table_filters_from_25_8(version: str, in_subquery: bool) -> None:
    engine = Engine(version)
    assert engine.in_subquery_table_filters == in_subquery
    assert engine.has("in_subquery_table_filters") == in_subquery
    with pytest.raises(ValueError, match="unknown engine capability"):
        engine.has("clone_as")


def test_one_load_job_at_a_time_only_on_chdb_3() -> None:
    assert not Engine("24.8.4.1", chdb="3.3.0").parallel_load_jobs
    assert not Engine("25.8.2.1", chdb="3.7.2").parallel_load_jobs
    assert Engine("26.9.2.1", chdb="4.4.0").parallel_load_jobs
    assert Engine("24.8.14.39").parallel_load_jobs  # a server
