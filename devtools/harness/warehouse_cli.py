"""Run one query on a warehouse in a child process and print JSON rows.

chDB holds one engine per process and locks its directory, so the tests never open the
warehouse in the pytest process itself: they ask a short-lived child, like a user would.
"""

from __future__ import annotations

import json
import sys

from warehouse_client import open_client


def main() -> None:
    url, sql = sys.argv[1], sys.argv[2]
    client = open_client(url)
    try:
        rows = client.query(sql).result_rows
    finally:
        client.close()
    json.dump([list(row) for row in rows], sys.stdout, default=str, ensure_ascii=False)


if __name__ == "__main__":
    main()
