"""One run at a time per warehouse: an flock on a file named after the warehouse.

    with run_lock(settings.warehouse_url, "make load"):
        ...

A second holder fails at once with RunInProgress ("another run is in progress (pid N, since
T)"). The lock is the kernel's: it dies with its process, so a killed run never leaves a
stale lock behind. A child whose environment has RUN_LOCK_HELD=<this lock's file> runs under
its parent's lock (the nightly entry point holds it for load + dbt build) and does not take
it again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from loaders.common.errors import ActionableError
from warehouse_client import chdb_path, redact_url

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
    return f"pid {info.get('pid', '?')}, since {info.get('started_at', '?')}"


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
            raise RunInProgress(
                f"another run is in progress ({_holder(path)}) on warehouse "
                f"{redact_url(warehouse_url)}: wait for it to finish, then retry"
            ) from None
        started = datetime.now(UTC).isoformat(timespec="seconds")
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "started_at": started, "what": what}))
        handle.flush()
        try:
            yield path  # a child runs under it when given RUN_LOCK_HELD=<path> explicitly
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
