"""The run history in the warehouse (database `ops`), written once per run by a child process.

    python -m ops.history record <run.json>

The tables are created by dbt's on-run-start hook (macros/run_history.sql), so they exist
after any dbt invocation; when they do not (the first dbt run never started) this exits 3 and
the nightly runs `dbt run-operation create_run_history_tables` first. The JSON file holds one
list of rows per table; `*_at` fields are ISO timestamps.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from loaders.common.output import protect_output
from loaders.common.settings import RunSettings
from warehouse_client import WarehouseError, open_client

TABLES = ("run_history", "run_sources", "run_freshness", "run_failures")
TABLES_MISSING = 3


def _value(key: str, value: Any) -> Any:
    if key.endswith("_at") and isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def record(url: str, rows_by_table: dict[str, list[dict[str, Any]]]) -> int:
    client = open_client(url)
    try:
        present = {
            row[0]
            for row in client.query(
                "SELECT name FROM system.tables WHERE database = 'ops'"
            ).result_rows
        }
        if not set(TABLES) <= present:
            return TABLES_MISSING
        for table in TABLES:
            rows = rows_by_table.get(table) or []
            if not rows:
                continue
            columns = list(rows[0])
            data = [[_value(c, row[c]) for c in columns] for row in rows]
            client.insert(f"ops.{table}", data, column_names=columns)
    finally:
        client.close()
    return 0


def main(argv: list[str]) -> int:
    protect_output()
    if len(argv) != 2 or argv[0] != "record":
        print("usage: python -m ops.history record <run.json>", file=sys.stderr)
        return 2
    rows = json.loads(Path(argv[1]).read_text())
    try:
        return record(RunSettings.from_env().warehouse_url, rows)
    except WarehouseError as error:
        print(f"run history: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
