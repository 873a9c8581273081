"""One run at a time per warehouse, across hosts: the run lease, a table in the warehouse.

    with run_lease(url, "make load") as token:
        ...  # RunInProgress("another run is in progress (host, pid N, since T)") if held

ClickHouse has no row-level compare-and-set, so the lease is built on two statements that
only one client can win:

- taking it is `CREATE TABLE ops.run_lease` without IF NOT EXISTS: of any number of takers
  exactly one creates the table, every other gets TABLE_ALREADY_EXISTS. The winner's token
  (and host, pid, what it runs) is the table's COMMENT, part of that same statement; its rows
  say when it started and until when it holds (one row per heartbeat, the warehouse's clock);
- ending it, by its holder (release) or by a taker after it expired (takeover), is
  `RENAME TABLE ops.run_lease TO ops.run_lease_ended_<token>`: a second rename of the same
  lease finds that name taken and fails, so a taker that read a lease as expired can never
  end the next one by mistake. The ended tables are the record of past runs; they are
  dropped after KEEP_ENDED_DAYS.

A lease expires RUN_LEASE_TTL_SECONDS (600) after its last heartbeat; a holder heartbeats
every third of that while it runs, so only a crashed run leaves an expiring lease behind. A
holder that died on this very machine (its pid gone, or reused) is taken over at once.
A child whose environment has RUN_LEASE_HELD=<token> runs under its parent's lease: it checks
that the token still holds the lease and heartbeats it, and leaves the release to the parent.

Every lease statement opens its own short-lived client: the embedded warehouse (chDB) is
one process's at a time, and the nightly job's children must be able to open it in between.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from clickhouse_connect.driver.binding import format_query_value
from clickhouse_connect.driver.client import Client

from warehouse_client import WarehouseError
from warehouse_client.cluster import on_cluster, table_engine

log = logging.getLogger("run_lease")

DATABASE = "ops"
LEASE = f"{DATABASE}.run_lease"
ENDED_PREFIX = "run_lease_ended_"
HELD_VARIABLE = "RUN_LEASE_HELD"
TTL_VARIABLE = "RUN_LEASE_TTL_SECONDS"
DEFAULT_TTL_SECONDS = 600
KEEP_ENDED_DAYS = 7
_TAKE_ATTEMPTS = 5
_TABLE_ALREADY_EXISTS, _UNKNOWN_TABLE = 57, 60
_ERROR_CODE = re.compile(r"Code: (\d+)\.")
_TIME = "DateTime64(3, 'UTC')"


class LeaseError(RuntimeError):
    """The run cannot hold the lease; the message says why in one line."""


class RunInProgress(LeaseError):
    """Another run holds the lease: `holder` is "host, pid N, since T"."""

    def __init__(self, holder: str) -> None:
        super().__init__(
            f"another run is in progress ({holder}): wait for it to finish, then retry"
        )
        self.holder = holder


class LeaseLost(LeaseError):
    """The lease this run was started under is no longer its own."""


@dataclass(frozen=True)
class Holder:
    token: str
    host: str
    pid: int
    what: str
    process: str  # this process on its machine: boot id / pid namespace / pid / start time
    since: str  # UTC, the warehouse's clock
    expired: bool

    def describe(self) -> str:
        return f"{self.host}, pid {self.pid}, since {self.since}"


def ttl_from_env() -> int:
    """RUN_LEASE_TTL_SECONDS (600 when unset); ValueError naming it when it cannot work."""
    value = (os.environ.get(TTL_VARIABLE) or "").strip()
    if not value:
        return DEFAULT_TTL_SECONDS
    if not value.isdigit() or not 30 <= int(value) <= 86_400:
        raise ValueError(
            f"{TTL_VARIABLE}={value!r} is not a lease time: give whole seconds, 30..86400"
        )
    return int(value)


def _error_code(error: Exception) -> int | None:
    match = _ERROR_CODE.search(str(error))
    return int(match.group(1)) if match else None


def _quote(value: str) -> str:
    return str(format_query_value(value))


def process_key(pid: int) -> str:
    """The process `pid` of this machine, told apart from any later one with the same pid;
    '' where /proc cannot tell (not Linux)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
        # field 22 of /proc/<pid>/stat, the start time; the name before it may hold spaces
        started = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""
    return f"{boot}/{namespace}/{pid}/{started}"


def died_here(process: str) -> bool:
    """True only when `process` ran on this machine (same boot, same pid namespace) and is
    gone now; a process of another machine or container is never judged from here."""
    parts = process.split("/")
    if len(parts) != 4 or not parts[2].isdigit():
        return False
    mine = process_key(os.getpid()).split("/")
    if len(mine) != 4 or mine[:2] != parts[:2]:
        return False
    return process_key(int(parts[2])) != process


class RunLease:
    """The lease statements on one warehouse; `connect` opens a fresh client each time."""

    def __init__(
        self,
        connect: Callable[[], Client],
        *,
        cluster: str | None = None,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
    ) -> None:
        self.connect, self.cluster, self.ttl = connect, cluster, ttl_seconds

    # -- statements (plain text: the tests read them too)

    def create_statement(self, owner: dict[str, object]) -> str:
        return (
            f"create table {LEASE}{on_cluster(self.cluster)} ("
            f"token String, host String, pid UInt32, what String, process String, "
            f"started_at {_TIME}, heartbeat_at {_TIME}, expires_at {_TIME}"
            f") engine = {table_engine(self.cluster)} order by heartbeat_at"
            f" comment {_quote(json.dumps(owner, sort_keys=True))}"
        )

    def beat_statement(self, token: str, first: dict[str, object] | None = None) -> str:
        """A row that holds the lease `ttl` seconds from now: the first one from `first`,
        later ones copied from the lease's latest row (a lease another run holds now has no
        row of this token, so a late heartbeat inserts nothing)."""
        until = f"now64(3, 'UTC') + interval {self.ttl} second"
        if first is not None:
            values = ", ".join(
                _quote(str(first[k])) for k in ("token", "host", "pid", "what", "process")
            )
            return f"insert into {LEASE} select {values}, now64(3, 'UTC'), now64(3, 'UTC'), {until}"
        return (
            f"insert into {LEASE} select token, host, pid, what, process, started_at, "
            f"now64(3, 'UTC'), {until} from {LEASE} where token = {_quote(token)} "
            "order by heartbeat_at desc limit 1"
        )

    def end_statement(self, token: str) -> str:
        return f"rename table {LEASE} to {DATABASE}.{ENDED_PREFIX}{token}{on_cluster(self.cluster)}"

    # -- operations

    def holder(self) -> Holder | None:
        """Who holds the lease now; None when nobody does."""
        client = self.connect()
        try:
            tables = client.query(
                "select comment, now() >= metadata_modification_time + "
                f"interval {self.ttl} second, "
                "toString(toTimeZone(metadata_modification_time, 'UTC')) "
                f"from system.tables where database = '{DATABASE}' and name = 'run_lease'"
            ).result_rows
            if not tables:
                return None
            comment, unbeaten_expired, created = tables[0]
            owner = json.loads(comment or "{}")
            token = str(owner.get("token", ""))
            try:
                rows = client.query(
                    f"select toString(started_at), expires_at <= now64(3, 'UTC') from {LEASE} "
                    f"where token = {_quote(token)} order by heartbeat_at desc limit 1"
                ).result_rows
            except Exception as error:
                if _error_code(error) == _UNKNOWN_TABLE:  # ended a moment ago
                    return None
                raise
        finally:
            client.close()
        # no row yet: its taker is between CREATE and its first row (or died there)
        since, expired = rows[0] if rows else (created, unbeaten_expired)
        return Holder(
            token=token,
            host=str(owner.get("host", "?")),
            pid=int(owner.get("pid", 0)),
            what=str(owner.get("what", "?")),
            process=str(owner.get("process", "")),
            since=f"{str(since)[:19]} UTC",
            expired=bool(expired),
        )

    def take(self, what: str) -> str:
        """Take the lease (ending an expired one first); its token. RunInProgress if held."""
        self._run(f"create database if not exists {DATABASE}{on_cluster(self.cluster)}")
        for _ in range(_TAKE_ATTEMPTS):
            owner: dict[str, object] = {
                "token": uuid.uuid4().hex,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "what": what,
                "process": process_key(os.getpid()),
            }
            if self._run(self.create_statement(owner), _TABLE_ALREADY_EXISTS):
                self._run(self.beat_statement(str(owner["token"]), first=owner))
                self._drop_ended_long_ago()
                return str(owner["token"])
            holder = self.holder()
            if holder is None:
                continue  # released in between: try again
            if not holder.expired and not died_here(holder.process):
                raise RunInProgress(holder.describe())
            if self.end(holder.token):  # False: another taker ended it first
                log.warning(
                    "run lease of %s (%s) %s: taken over",
                    holder.what,
                    holder.describe(),
                    "expired" if holder.expired else "died with its process",
                )
        holder = self.holder()
        raise RunInProgress(holder.describe() if holder else "one that just started")

    def join(self, token: str) -> None:
        """Run under the lease `token` holds (a child of its holder); LeaseLost if it does not."""
        holder = self.holder()
        if holder is None or holder.token != token:
            running = f" ({holder.describe()})" if holder else ""
            raise LeaseLost(
                f"the run lease this run was started under ({HELD_VARIABLE}) is no longer "
                f"held by its run{running}: another run took it over after it expired"
            )
        self.heartbeat(token)

    def heartbeat(self, token: str) -> None:
        self._run(self.beat_statement(token))

    def end(self, token: str) -> bool:
        """End the lease `token` holds; False when it holds none (ended already)."""
        return self._run(self.end_statement(token), _TABLE_ALREADY_EXISTS, _UNKNOWN_TABLE)

    def _drop_ended_long_ago(self) -> None:
        client = self.connect()
        try:
            names = client.query(
                f"select name from system.tables where database = '{DATABASE}' "
                f"and startsWith(name, '{ENDED_PREFIX}') "
                f"and metadata_modification_time < now() - interval {KEEP_ENDED_DAYS} day"
            ).result_rows
        finally:
            client.close()
        for (name,) in names:
            self._run(f"drop table if exists {DATABASE}.`{name}`{on_cluster(self.cluster)}")

    def _run(self, statement: str, *expected_codes: int) -> bool:
        """Run one statement on a fresh client; False when it failed with an expected code."""
        client = self.connect()
        try:
            client.command(statement)
        except Exception as error:
            if _error_code(error) in expected_codes:
                return False
            raise
        finally:
            client.close()
        return True


class Heartbeat:
    """Heartbeats the lease from a thread every third of its time to live, until stopped. A
    beat that cannot reach the warehouse (the embedded one is busy in a child process, a
    server hiccups) is skipped: the next one catches up well before the lease expires."""

    def __init__(self, lease: RunLease, token: str) -> None:
        self.lease, self.token = lease, token
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="run-lease-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stopped.wait(self.lease.ttl / 3):
            try:
                self.lease.heartbeat(self.token)
            except Exception as error:
                log.debug("run lease heartbeat skipped: %s", error)


@contextmanager
def _beating(lease: RunLease, token: str, beat: bool) -> Iterator[None]:
    if not beat:
        yield
        return
    with Heartbeat(lease, token):
        yield


@contextmanager
def hold(lease: RunLease, what: str, beat: bool = True) -> Iterator[str]:
    """Hold the lease for the block, or run under the parent's (RUN_LEASE_HELD); its token.

    `beat=False`: this process does not heartbeat (the nightly job on the embedded warehouse,
    which must leave the warehouse to its children; they heartbeat while they run)."""
    parent = os.environ.get(HELD_VARIABLE)
    try:
        if parent:
            lease.join(parent)
        token = parent or lease.take(what)
    except (LeaseError, WarehouseError):
        raise
    except Exception as error:  # e.g. the user may not create tables in `ops`
        cause = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LeaseError(f"the run lease {LEASE} could not be taken: {cause}") from None
    try:
        with _beating(lease, token, beat):
            yield token
    finally:
        if not parent:  # the parent releases its own
            _release(lease, token)


def _release(lease: RunLease, token: str) -> None:
    try:
        lease.end(token)
    except Exception as error:  # the run is over either way
        log.warning("run lease not released (%s): it expires by itself", error)
