"""The status snapshot: the run history as `make status` reads it, kept in a file.

    python -m ops.health.snapshot

The nightly job runs this (a child process, under its run lock) right after it records the
run, and `make status` writes the history it has just read; the health server answers from
the file for an embedded warehouse, whose directory only one process can hold. A warehouse
that cannot be read leaves its one-line error in the snapshot, for the server to answer with.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loaders.common.output import protect_output
from ops.settings import OpsSettings, settings_or_exit
from ops.state import state_dir_for
from warehouse_client.secrets import redact

SNAPSHOT_FILE = "status_snapshot.json"
_DATETIME = "$datetime"  # JSON has no datetime: {"$datetime": "<iso>"} stands for one


class SnapshotUnreadable(RuntimeError):
    """The snapshot is missing, damaged, or records a warehouse that could not be read."""


def snapshot_path(settings: OpsSettings) -> Path:
    return state_dir_for(settings) / SNAPSHOT_FILE


def one_line(error: BaseException) -> str:
    """The error's first line, without secrets."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return redact(lines[0][:400]) if lines else type(error).__name__


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__} in the status snapshot")


def _decode(item: dict[str, Any]) -> Any:
    return datetime.fromisoformat(item[_DATETIME]) if set(item) == {_DATETIME} else item


def write_snapshot(
    settings: OpsSettings, now: datetime, history: dict[str, Any] | None, error: str = ""
) -> Path:
    """Replace the snapshot at once (a reader sees the old one or the new one, whole)."""
    path = snapshot_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"taken_at": now.isoformat(timespec="seconds"), "history": history, "error": error}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, default=_encode, ensure_ascii=False))
    tmp.replace(path)
    return path


def read_snapshot(settings: OpsSettings) -> tuple[dict[str, Any] | None, str]:
    """(the history, when the snapshot was taken); SnapshotUnreadable when there is none."""
    path = snapshot_path(settings)
    try:
        body = json.loads(path.read_text(), object_hook=_decode)
    except FileNotFoundError:
        raise SnapshotUnreadable(
            f"no status snapshot at {path} yet: "
            "the next `make nightly` (or `make status`) writes it"
        ) from None
    except (OSError, ValueError) as error:
        raise SnapshotUnreadable(f"status snapshot {path} unreadable: {one_line(error)}") from None
    if body.get("error"):
        raise SnapshotUnreadable(
            f"the warehouse could not be read at {body['taken_at']}: {body['error']}"
        )
    return body.get("history"), str(body["taken_at"])


def main() -> int:
    from ops.status import read_history  # the one reading of the history, make status's

    protect_output()
    settings = settings_or_exit()
    now = datetime.now(UTC)
    try:
        history, error = read_history(settings.warehouse_url), ""
    except Exception as failure:  # any failure is recorded as one line, never a traceback
        history, error = None, one_line(failure)
    path = write_snapshot(settings, now, history, error)
    if error:
        print(f"status snapshot: the warehouse could not be read: {error}", file=sys.stderr)
        return 1
    print(f"status snapshot written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
