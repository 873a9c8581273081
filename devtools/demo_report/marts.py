"""Row counts of every table in `marts`."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client


def mart_rows(client: Client) -> list[tuple[str, int]]:
    rows = client.query(
        "SELECT name, total_rows FROM system.tables WHERE database = 'marts' ORDER BY name"
    ).result_rows
    return [(str(name), int(count or 0)) for name, count in rows]


def print_summary(client: Client) -> None:
    tables = mart_rows(client)
    width = max(len(name) for name, _ in tables)
    for name, count in tables:
        print(f"  marts.{name:<{width}}  {count:>10,} rows")
