"""One run at a time per warehouse: the run lease in the warehouse, plus a file lock on this
machine for the embedded one.

    with run_guard(settings, "make load") as child_env:
        ...  # RunInProgress: "another run is in progress (host, pid N, since T): ..."

The lease (warehouse_client.run_lease) keeps two hosts, or two checkouts, from running on
one warehouse at once. The embedded warehouse also gets an flock on a file named after its
directory: chDB lets one process at a time open the directory, so a second run on this
machine that comes while a step of the first has it open could not read the lease; the lock
answers it instead, naming the holder the same way. The lock is the kernel's: it dies with
its process. A child whose environment has RUN_LOCK_HELD=<this lock's file> and
RUN_LEASE_HELD=<the lease's token> (the nightly job's steps) runs under its parent's.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.common.errors import ActionableError
from warehouse_client import WarehouseError, chdb_path, open_client, redact_url, run_lease

if TYPE_CHECKING:
    from loaders.common.settings import RunSettings

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
HELD_VARIABLE = "RUN_LOCK_HELD"


class RunInProgress(ActionableError):
    pass


def lock_dir() -> Path:
    return Path(os.environ.get("RUN_LOCK_DIR") or REPO_ROOT / ".locks")


def lock_path(warehouse_url: str) -> Path:
    """One file per warehouse: the data directory of an embedded one, else the URL without
    its password (so a changed password is still the same warehouse)."""
    identity = chdb_path(warehouse_url) or redact_url(warehouse_url)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return lock_dir() / f"warehouse-{digest}.lock"


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    return f"{socket.gethostname()}, pid {info.get('pid', '?')}, since {info.get('since', '?')}"


@contextmanager
def run_lock(warehouse_url: str, what: str) -> Iterator[Path]:
    """Hold the warehouse's run lock for the block; RunInProgress if another run holds it."""
    path = lock_path(warehouse_url)
    if os.environ.get(HELD_VARIABLE) == str(path):
        yield path  # our parent holds it for us
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - held open for the whole block
    except OSError as error:
        raise ActionableError(
            f"cannot create the run lock {path} ({error.strerror}); "
            "set RUN_LOCK_DIR to a writable directory"
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(str(run_lease.RunInProgress(_holder(path)))) from None
        since = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC"
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "since": since, "what": what}))
        handle.flush()
        try:
            yield path  # a child runs under it when given RUN_LOCK_HELD=<path> explicitly
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def run_guard(settings: RunSettings, what: str, heartbeat: bool = True) -> Iterator[dict[str, str]]:
    """Hold this warehouse's run lock (embedded only) and run lease for the block; yields the
    environment a child needs to run under them. `heartbeat=False`: see run_lease.hold."""
    url = settings.warehouse_url
    lease = run_lease.RunLease(
        lambda: open_client(url),
        cluster=settings.warehouse_cluster,
        ttl_seconds=settings.run_lease_ttl,
    )
    with ExitStack() as stack:
        child_env: dict[str, str] = {}
        if chdb_path(url) is not None:
            child_env[HELD_VARIABLE] = str(stack.enter_context(run_lock(url, what)))
        try:
            token = stack.enter_context(run_lease.hold(lease, what, beat=heartbeat))
        except run_lease.RunInProgress as error:
            raise RunInProgress(str(error)) from None
        except (run_lease.LeaseError, WarehouseError) as error:
            raise ActionableError(str(error)) from None
        child_env[run_lease.HELD_VARIABLE] = token
        yield child_env
