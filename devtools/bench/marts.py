"""Fingerprints of the marts, to prove an incremental night equals a rebuild from scratch.

    python -m bench.marts <warehouse url> <output.json>

runs in a child process (chDB locks the warehouse) and writes, for every table in database
`marts`, its row count, the sum of each Decimal column (revenue, costs, prices...) and a
hash of every cell (cityHash64 of a row's text, all columns, summed over rows: cell for cell,
whatever the row order). The incremental marts' bookkeeping (BOOKKEEPING) holds load ids and
times, which differ between any two warehouses, and is left out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from devtools.harness.children import ChildRun, run_child
from devtools.harness.warehouse import Warehouse

Fingerprint = dict[str, dict[str, Any]]
BOOKKEEPING = {"incremental_watermark"}


def fingerprint(warehouse: Warehouse, label: str) -> tuple[ChildRun, Fingerprint]:
    output = warehouse.root / f"{label}-marts.json"
    command = [sys.executable, "-m", "devtools.bench.marts", warehouse.url, str(output)]
    run = run_child(f"marts ({label})", command, warehouse.env(), warehouse.root / "marts.log")
    return run, json.loads(output.read_text())


def differences(left: Fingerprint, right: Fingerprint) -> list[str]:
    """What differs between two fingerprints, one line per difference (empty: equal)."""
    lines = []
    for mart in sorted(set(left) | set(right)):
        if mart not in left or mart not in right:
            lines.append(f"{mart}: only in {'the rebuild' if mart in right else 'incremental'}")
        elif left[mart] != right[mart]:
            lines.append(f"{mart}: incremental {left[mart]} != rebuild {right[mart]}")
    return lines


def _collect(url: str) -> Fingerprint:
    from warehouse_client import open_client

    client = open_client(url)
    try:
        columns: dict[str, list[str]] = {}
        for table, column, type_ in client.query(
            "SELECT table, name, type FROM system.columns WHERE database = 'marts'"
            " ORDER BY table, position"
        ).result_rows:
            if table in BOOKKEEPING:
                continue
            columns.setdefault(table, [])
            if "Decimal" in type_:
                columns[table].append(column)
        result: Fingerprint = {}
        for table, decimals in columns.items():
            sums = "".join(f", toString(sum(`{c}`))" for c in decimals)
            row_hash = "toString(sum(cityHash64(toString(tuple(*)))))"
            row = client.query(
                f"SELECT count(), {row_hash}{sums} FROM marts.`{table}`"
            ).result_rows[0]
            result[table] = {
                "rows": int(row[0]),
                "cells_hash": row[1],
                "sums": dict(zip(decimals, row[2:], strict=True)),
            }
        return result
    finally:
        client.close()


def main(argv: list[str]) -> None:
    url, output = argv
    Path(output).write_text(json.dumps(_collect(url), indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
