"""Print where the warehouse is and what the marts hold (the end of `make demo`)."""

from __future__ import annotations

import sys

from dbt.adapters.chdb.client import open_client, redact_url

from loaders.config import Settings


def main() -> int:
    settings = Settings.from_env()
    client = open_client(settings.warehouse_url)
    try:
        tables = client.query(
            "SELECT name, total_rows FROM system.tables WHERE database = 'marts' ORDER BY name"
        ).result_rows
    finally:
        client.close()
    print(f"warehouse: {redact_url(settings.warehouse_url)}")
    if not tables:
        print("no marts yet: run `make load && dbt build`", file=sys.stderr)
        return 1
    width = max(len(name) for name, _ in tables)
    for name, rows in tables:
        print(f"  marts.{name:<{width}}  {rows or 0:>10,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
