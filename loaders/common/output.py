"""What the job leaves behind is private and secret-free: one call at the top of every entry
point (`python -m loaders`, `python -m ops.nightly`, `python -m ops.status`, `ops.history`).

- Files: umask 077, so everything the job creates (the embedded warehouse, dlt's working
  files, logs, run history files, dbt's target/ of the nightly's children) is readable by
  the job's user only. The systemd units set the same (`UMask=0077`).
- Log lines: every log record of every logger is masked when it is created
  (warehouse_client.secrets.redact): message, arguments, traceback and stack. A filter on
  the root logger's handlers would miss dlt's own logger, which has its own handler and does
  not propagate, and any handler added later; the record factory sees them all.
- Uncaught exceptions, in the main thread or a worker thread, print masked tracebacks.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from warehouse_client.secrets import redact

PRIVATE_UMASK = 0o077
_MARK = "_masks_secrets"


def _mask(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what can be shown
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info))
        record.exc_text = redact(text.rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _print_masked(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(kind, error, tb))))


def _print_masked_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _print_masked(args.exc_type, args.exc_value, args.exc_traceback)


def protect_output() -> None:
    """Private files and masked lines from here on (idempotent)."""
    os.umask(PRIVATE_UMASK)
    factory = logging.getLogRecordFactory()
    if getattr(factory, _MARK, False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _mask(record)
        return record

    setattr(masked_record, _MARK, True)
    logging.setLogRecordFactory(masked_record)
    sys.excepthook = _print_masked
    threading.excepthook = _print_masked_thread
