"""Every table of `marts` as a sorted TSV file with its header, into a directory:

    python -m devtools.compat.dump_marts chdb:build/compat/24.8/test/warehouse <dir>

Rows are sorted by every column, so two warehouses with the same marts give the same files.
`incremental_watermark` is left out: it holds load ids and build times, which differ by run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from warehouse_client import open_client

DATABASE = "marts"
PER_RUN = {"incremental_watermark"}


def main() -> None:
    url, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.tsv"):
        old.unlink()
    client = open_client(url)
    try:
        tables = client.query(
            "select name from system.tables where database = %(db)s order by name",
            parameters={"db": DATABASE},
        ).result_rows
        for (table,) in tables:
            if table in PER_RUN:
                continue
            columns = client.query(
                "select name from system.columns where database = %(db)s and table = %(t)s"
                " order by position",
                parameters={"db": DATABASE, "t": table},
            ).result_rows
            order = ", ".join(f"`{name}`" for (name,) in columns)
            body = client.raw_query(
                f"select * from {DATABASE}.`{table}` order by {order} format TSVWithNames"
            )
            (out / f"{table}.tsv").write_bytes(body)
            rows = body.count(b"\n") - 1
            print(f"{table}: {rows} rows")
    finally:
        client.close()


if __name__ == "__main__":
    main()
