"""Progress lines while the shop is generated (minutes at SCALE=1, most of an hour at 10)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pymysql

from devtools.harness.mariadb import MariaDBServer

EVERY_SECONDS = 30.0


def _rows(server: MariaDBServer) -> dict[str, int]:
    """InnoDB's estimate of each table's rows (cheap, and it sees rows not yet committed)."""
    conn = pymysql.connect(unix_socket=str(server.socket_path), user="root", autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, table_rows FROM information_schema.tables"
                " WHERE table_schema = %s",
                (server.database,),
            )
            return {str(name): int(rows or 0) for name, rows in cursor.fetchall()}
    finally:
        conn.close()


@contextmanager
def progress(server: MariaDBServer, every: float = EVERY_SECONDS) -> Iterator[None]:
    """Print the shop's approximate row counts every `every` seconds until the block ends."""
    done = threading.Event()
    started = time.perf_counter()

    def report() -> None:
        while not done.wait(every):
            try:
                rows = _rows(server)
            except pymysql.Error as error:  # progress is best effort, never fails the bench
                print(f"[bench] generating: progress unavailable: {error}", flush=True)
                continue
            counts = ", ".join(f"{name} ~{count:,}" for name, count in sorted(rows.items()))
            print(
                f"[bench {time.strftime('%H:%M:%S')}] generating"
                f" ({time.perf_counter() - started:.0f} s): {counts}",
                flush=True,
            )

    thread = threading.Thread(target=report, name="generate-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
