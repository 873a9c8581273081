"""The speed floor: chDB copies each shop table with one INSERT ... SELECT FROM mysql().

    python -m devtools.bench.floor <chdb dir> <table>...   (MySQL address, login: FLOOR_* env)

runs in a child process on its own scratch warehouse and prints JSON: per table the rows and
the seconds of the INSERT alone, and the child's wall time from start to exit. The tables
are MergeTree ORDER BY id, like raw's. No type mapping, no state, no merge: the least work
that lands the same rows, which is what the loader is compared with.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.harness.children import ChildRun, run_child

STARTED = time.perf_counter()


@dataclass(frozen=True)
class FloorRun:
    process: ChildRun
    tables: dict[str, dict[str, float]]  # table -> rows, seconds

    @property
    def insert_seconds(self) -> float:
        return sum(t["seconds"] for t in self.tables.values())


def measure_floor(
    root: Path, host: str, port: int, database: str, user: str, password: str, tables: list[str]
) -> FloorRun:
    env = {
        **os.environ,
        "FLOOR_MYSQL": f"{host}:{port}",
        "FLOOR_DATABASE": database,
        "FLOOR_USER": user,
        "FLOOR_PASSWORD": password,  # env, not argv: argv is visible in ps
    }
    command = [sys.executable, "-m", "bench.floor", str(root / "warehouse"), *tables]
    output = root / "floor.json"
    env["FLOOR_OUTPUT"] = str(output)
    process = run_child("floor", command, env, root / "floor.log")
    return FloorRun(process, json.loads(output.read_text())["tables"])


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _mysql(table: str) -> str:
    """The mysql() table function for one table (address and login from FLOOR_* env)."""
    address, database = os.environ["FLOOR_MYSQL"], os.environ["FLOOR_DATABASE"]
    user, password = os.environ["FLOOR_USER"], os.environ["FLOOR_PASSWORD"]
    return f"mysql({', '.join(map(_quote, (address, database, table, user, password)))})"


def copy_tables(path: str, tables: list[str]) -> dict[str, Any]:
    from warehouse_client import open_client

    client = open_client(f"chdb:{path}")
    results: dict[str, Any] = {}
    try:
        client.command("CREATE DATABASE IF NOT EXISTS scratch")
        for table in tables:
            target = f"scratch.{table}"
            client.command(f"DROP TABLE IF EXISTS {target}")
            client.command(
                f"CREATE TABLE {target} ENGINE = MergeTree ORDER BY id"
                f" EMPTY AS SELECT * FROM {_mysql(table)}"
            )
            started = time.perf_counter()
            client.command(f"INSERT INTO {target} SELECT * FROM {_mysql(table)}")
            seconds = time.perf_counter() - started
            rows = client.query(f"SELECT count() FROM {target}").result_rows[0][0]
            results[table] = {"rows": int(rows), "seconds": seconds}
    finally:
        client.close()
    return results


def main(argv: list[str]) -> int:
    try:
        tables = copy_tables(argv[0], argv[1:])
    except Exception as error:  # the SQL holds the password: never echo it
        print(f"floor failed: {error}".replace(os.environ["FLOOR_PASSWORD"], "***"))
        return 1
    report = {"tables": tables, "process_seconds": time.perf_counter() - STARTED}
    Path(os.environ["FLOOR_OUTPUT"]).write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
