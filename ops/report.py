"""What the nightly job says while it runs: plain lines, JSON lines, or live progress on a TTY.

Plain lines (cron, journald) look like `2026-11-24T00:30:01Z nightly load mysql: ok, 4426 rows
in 3.1 s`; `LOG_FORMAT=json` writes one JSON object per line with the same fields. On a
terminal the per-table progress of a load is redrawn in place; off a terminal it is one line
per table when the table starts.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO


class Reporter:
    def __init__(
        self, log_format: str = "text", stream: TextIO | None = None, name: str = "nightly"
    ) -> None:
        self.json, self.name = log_format == "json", name
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() and not self.json
        self._progress_shown = False

    def event(self, step: str, message: str, *, level: str = "info", **fields: Any) -> None:
        """One line: what happened in which step, with its numbers as fields."""
        self._clear_progress()
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        if self.json:
            record = {
                "ts": now,
                "job": self.name,
                "level": level,
                "step": step,
                "message": message,
                **fields,
            }
            line = json.dumps(record, ensure_ascii=False, default=str)
        else:
            line = (
                f"{now} nightly {level.upper() + ' ' if level != 'info' else ''}{step}: {message}"
            )
        print(line, file=self.stream, flush=True)

    def progress(self, step: str, tables: dict[str, str]) -> None:
        """Per-table progress of a step: redrawn on a TTY, else nothing (events say it)."""
        if not self.tty or not tables:
            return
        text = "  ".join(f"{name} {state}" for name, state in tables.items())
        width = 160
        self.stream.write("\r\033[K" + f"{step}: {text}"[:width])
        self.stream.flush()
        self._progress_shown = True

    def _clear_progress(self) -> None:
        if self._progress_shown:
            self.stream.write("\r\033[K")
            self._progress_shown = False
