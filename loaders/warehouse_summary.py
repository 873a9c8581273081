"""Print where the warehouse is and what the marts hold (the end of `make demo`).

Row counts of every mart, then the segment summary of `loaders.segment_summary`: the last
full week by sex and age group against the week before, and that week's top 5 products.
"""

from __future__ import annotations

import sys

from warehouse_client import open_client, redact_url

from loaders.config import Settings
from loaders.segment_summary import summary_lines


def main() -> int:
    settings = Settings.from_env()
    client = open_client(settings.warehouse_url)
    try:
        tables = client.query(
            "SELECT name, total_rows FROM system.tables WHERE database = 'marts' ORDER BY name"
        ).result_rows
        segments = summary_lines(client) if tables else []
    finally:
        client.close()
    print(f"warehouse: {redact_url(settings.warehouse_url)}")
    if not tables:
        print("no marts yet: run `make load && dbt build`", file=sys.stderr)
        return 1
    width = max(len(name) for name, _ in tables)
    for name, rows in tables:
        print(f"  marts.{name:<{width}}  {rows or 0:>10,} rows")
    print()
    print("\n".join(segments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
