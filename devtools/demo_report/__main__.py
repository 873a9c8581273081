"""`python -m devtools.demo_report`: where the warehouse is, then every printer below, in order."""

from __future__ import annotations

import sys
from collections.abc import Callable

from clickhouse_connect.driver.client import Client

from devtools.demo_report import ads, marketing, marts, segments, vk
from loaders.common.settings import RunSettings
from warehouse_client import open_client, redact_url

# One line per part of the summary; each prints from an open warehouse client.
PRINTERS: tuple[Callable[[Client], None], ...] = (
    marts.print_summary,
    segments.print_summary,
    vk.print_summary,
    ads.print_summary,
    marketing.print_summary,
)


def main() -> int:
    settings = RunSettings.from_env()
    print(f"warehouse: {redact_url(settings.warehouse_url)}")
    client = open_client(settings.warehouse_url)
    try:
        if not marts.mart_rows(client):
            print("no marts yet: run `make load && dbt build`", file=sys.stderr)
            return 1
        for print_part in PRINTERS:
            print_part(client)
            print()
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
