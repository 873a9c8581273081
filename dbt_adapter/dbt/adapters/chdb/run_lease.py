"""dbt's share of the run lease (warehouse_client.run_lease): the on-run-start hook takes it,
or joins the nightly job's (RUN_LEASE_HELD); the on-run-end hook releases it, and so does the
process's exit when a hook before it failed. While dbt runs, a thread heartbeats it."""

from __future__ import annotations

import atexit
from contextlib import ExitStack

from dbt.adapters.chdb.credentials import ChdbCredentials
from dbt_common.exceptions import DbtRuntimeError

from warehouse_client import WarehouseError, open_client
from warehouse_client.run_lease import LeaseError, RunLease, hold, ttl_from_env

_held: ExitStack | None = None  # one dbt invocation per process


def take(credentials: ChdbCredentials, what: str) -> str:
    """Hold the lease until release(); DbtRuntimeError (one line) when another run has it."""
    global _held
    if _held is not None:
        return "run lease: already held by this dbt run"
    url = credentials.url
    try:
        lease = RunLease(
            lambda: open_client(url),
            cluster=credentials.cluster or None,
            ttl_seconds=ttl_from_env(),
        )
        stack = ExitStack()
        token = stack.enter_context(hold(lease, what))
    except (LeaseError, WarehouseError, ValueError) as error:
        raise DbtRuntimeError(f"dbt not started: {error}") from None
    _held = stack
    atexit.register(release)
    return f"run lease: held (token {token[:8]})"


def release() -> str:
    global _held
    if _held is None:
        return "run lease: not held by this dbt run"
    held, _held = _held, None
    held.close()
    return "run lease: released"
