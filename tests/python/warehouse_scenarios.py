"""Scenarios inside one process, against one embedded warehouse (chDB 4.x runs the queries of
several clients of one process at the same time): the run lease's races, and the engine's own
parse of statements it cannot run here (formatQuery). Run as a child of the tests:

    python tests/python/warehouse_scenarios.py <scenario> <warehouse url> [args...]

and prints what happened as JSON; the tests judge it.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from typing import Any

from clickhouse_connect.driver.binding import format_query_value

from warehouse_client import open_client
from warehouse_client.run_lease import ENDED_PREFIX, RunInProgress, RunLease


def lease(url: str, ttl: int = 600) -> RunLease:
    return RunLease(lambda: open_client(url), ttl_seconds=ttl)


def rows(url: str, sql: str) -> list[list[Any]]:
    client = open_client(url)
    try:
        return [list(row) for row in client.query(sql).result_rows]
    finally:
        client.close()


def _take(url: str, barrier: threading.Barrier, outcome: list[list[str]], i: int) -> None:
    mine = lease(url)
    barrier.wait()
    try:
        outcome[i] = ["won", mine.take(f"taker {i}")]
    except RunInProgress as error:
        outcome[i] = ["refused", str(error)]


def race(url: str, takers: int, rounds: int) -> list[dict[str, Any]]:
    """`takers` threads, each with clients of its own, start take() at one barrier; every
    second round they race for a lease that has expired (its holder never heartbeat)."""
    results = []
    for round_number in range(rounds):
        expired = lease(url, ttl=0).take("expired holder") if round_number % 2 else None
        barrier = threading.Barrier(takers)
        outcome: list[list[str]] = [[] for _ in range(takers)]

        threads = [
            threading.Thread(target=_take, args=(url, barrier, outcome, i)) for i in range(takers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        holder = lease(url).holder()
        assert holder is not None
        results.append(
            {
                "outcome": outcome,
                "holder": holder.token,
                "expired": expired,
                "ended": sorted(
                    name
                    for [name] in rows(
                        url,
                        "select name from system.tables where database = 'ops' "
                        f"and startsWith(name, '{ENDED_PREFIX}')",
                    )
                ),
            }
        )
        lease(url).end(holder.token)
    return results


def heartbeats(url: str) -> dict[str, Any]:
    """A heartbeat extends an expired lease; a holder that lost its lease to a takeover
    neither ends nor extends the new one."""
    short = lease(url, ttl=0)  # its rows expire as they are written
    first = short.take("first")
    expired_before = short.holder().expired  # type: ignore[union-attr]
    lease(url).heartbeat(first)
    extended = lease(url).holder()
    assert extended is not None
    first_ends = lease(url).end(first)
    lost = short.take("lost")
    second = lease(url).take("second")  # takes the expired lease over
    lease(url).heartbeat(lost)  # the lost holder, late
    lost_could_end = lease(url).end(lost)
    holder = lease(url).holder()
    assert holder is not None
    return {
        "expired_before": expired_before,
        "expired_after_heartbeat": extended.expired,
        "first_ends": first_ends,
        "second_holds": holder.token == second,
        "lost_could_end": lost_could_end,
        "rows_of_lost_in_lease": rows(
            url, f"select count() from ops.run_lease where token = '{lost}'"
        )[0][0],
        "second_ends": lease(url).end(second),
        "nobody_holds": lease(url).holder() is None,
    }


def foreign(url: str, token: str, minutes_ago: str, expires_in: str) -> None:
    """The lease a run on another host (cron-box, pid 4242) took `minutes_ago` and heartbeat
    last then, expiring `expires_in` minutes from now (negative: expired), written as
    that host's take() writes it."""
    client = open_client(url)
    owner = json.dumps(
        {
            "token": token,
            "host": "cron-box",
            "pid": 4242,
            "what": "make nightly",
            "process": "another-boot/1/4242/1",
        }
    )
    beat = f"now64(3, 'UTC') - interval {int(minutes_ago)} minute"
    try:
        client.command("create database if not exists ops")
        client.command(
            "create table ops.run_lease (token String, host String, pid UInt32, what String, "
            "process String, started_at DateTime64(3, 'UTC'), heartbeat_at DateTime64(3, 'UTC'), "
            "expires_at DateTime64(3, 'UTC')) engine = MergeTree order by heartbeat_at "
            f"comment '{owner}'"
        )
        client.command(
            f"insert into ops.run_lease select '{token}', 'cron-box', 4242, 'make nightly', "
            f"'another-boot/1/4242/1', {beat}, {beat}, "
            f"now64(3, 'UTC') + interval {int(expires_in)} minute"
        )
    finally:
        client.close()


def format_queries(url: str, statements: str) -> list[str]:
    """Each statement of the JSON list as the engine parses and prints it back (formatQuery):
    a syntax error fails; ON CLUSTER statements are checked where no cluster exists."""
    return [
        str(rows(url, f"select formatQuery({format_query_value(statement)})")[0][0])
        for statement in json.loads(statements)
    ]


def command(url: str, sql: str) -> None:
    client = open_client(url)
    try:
        client.command(sql)
    finally:
        client.close()


SCENARIOS: dict[str, Callable[..., Any]] = {
    "race": lambda url, *args: race(url, int(args[0]), int(args[1])),
    "heartbeats": lambda url: heartbeats(url),
    "foreign": foreign,
    "command": command,
    "format": format_queries,
    "tables": lambda url: rows(
        url, "select name, comment from system.tables where database = 'ops'"
    ),
}

if __name__ == "__main__":
    print(json.dumps(SCENARIOS[sys.argv[1]](*sys.argv[2:])))
