"""One run at a time per warehouse: an flock on a file named after the warehouse.

    with run_lock(settings.warehouse_url, "nightly") as lock_file:
        subprocess.run([...], env={**os.environ, "RUN_LOCK_HELD": str(lock_file)})

A second holder fails at once with RunInProgress ("another run is in progress (pid N, since
T)"). A child whose environment has RUN_LOCK_HELD=<this lock's path> does not take it again:
its parent holds it. The kernel drops an flock when its holder dies, even by SIGKILL, so a
crashed run never blocks the next one.
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

from warehouse_client import chdb_path, redact_url

REPO_ROOT = Path(__file__).resolve().parents[2]


class RunInProgress(RuntimeError):
    """Another load, build or nightly run holds the warehouse."""


def lock_path(warehouse_url: str) -> Path:
    """The lock file of one warehouse: same warehouse, same file, whatever the URL spelling."""
    key = chdb_path(warehouse_url) or redact_url(warehouse_url).rstrip("/")
    directory = Path(os.environ.get("RUN_LOCK_DIR") or REPO_ROOT / ".locks")
    return directory / f"warehouse-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock"


@contextmanager
def run_lock(warehouse_url: str, what: str) -> Iterator[Path]:
    """Hold the warehouse's run lock for the block; yields the lock file's path."""
    path = lock_path(warehouse_url)
    if os.environ.get("RUN_LOCK_HELD") == str(path):
        yield path  # the parent process holds it for us
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise RunInProgress(_describe(handle.read())) from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).isoformat(timespec="seconds")
        handle.write(json.dumps({"pid": os.getpid(), "started_at": started, "what": what}))
        handle.flush()
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _describe(content: str) -> str:
    try:
        holder = json.loads(content)
        return (
            f"another run is in progress (pid {holder['pid']}, since {holder['started_at']}): "
            f"wait for the {holder.get('what', 'run')} to finish, then retry"
        )
    except (ValueError, KeyError, TypeError):
        return "another run is in progress: wait for it to finish, then retry"
