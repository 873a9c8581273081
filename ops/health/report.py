"""The health answers, built from `make status`'s report (ops.status.evaluate) of one reading."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ops.health.snapshot import read_snapshot
from ops.settings import OpsSettings
from ops.status import evaluate, read_history
from warehouse_client import chdb_path
from warehouse_client.secrets import redact


@dataclass(frozen=True)
class Reading:
    """`make status`'s report at `now`, and where its history came from."""

    report: dict[str, Any]
    now: datetime
    read_from: str  # "warehouse", or "snapshot taken at <iso>"

    @property
    def ok(self) -> bool:
        return bool(self.report["ok"])


def read(settings: OpsSettings, now: datetime | None = None) -> Reading:
    """One reading. An embedded warehouse is read from its status snapshot (the server must not
    hold the chDB directory the nightly needs); a server is asked. Raises on an unreadable
    warehouse or snapshot (the caller answers 503 with the error's first line)."""
    now = now or datetime.now(UTC)
    if chdb_path(settings.warehouse_url) is not None:
        history, taken_at = read_snapshot(settings)
        read_from = f"snapshot taken at {taken_at}"
    else:
        history, read_from = read_history(settings.warehouse_url), "warehouse"
    return Reading(evaluate(history, now), now, read_from)


def _duration_seconds(run: dict[str, Any] | None) -> float | None:
    if not run or not run["started_at"] or not run["ended_at"]:
        return None
    started, ended = (datetime.fromisoformat(run[k]) for k in ("started_at", "ended_at"))
    return round((ended - started).total_seconds(), 3)


def healthz(reading: Reading) -> dict[str, Any]:
    if reading.ok:
        return {"status": "ok"}
    return {"status": "error", "problems": [redact(p) for p in reading.report["problems"]]}


def detailed(reading: Reading) -> dict[str, Any]:
    run = reading.report["last_run"]
    return {
        **healthz(reading),
        "checked_at": reading.now.isoformat(timespec="seconds"),
        "read_from": reading.read_from,
        "last_run": run
        and {
            **run,
            "error": redact(run["error"] or ""),
            "duration_seconds": _duration_seconds(run),
        },
        "sources": [
            {**source, "last_error": redact(source["last_error"] or "")}
            for source in reading.report["sources"]
        ],
    }


def freshness(reading: Reading) -> dict[str, Any]:
    tables = reading.report["freshness"]
    statuses = {t["status"] for t in tables}
    worst = "warn" if "warn" in statuses else "pass"
    if not tables or statuses - {"pass", "warn"}:  # no table checked yet is not fresh either
        worst = "error"
    return {
        "status": worst,
        "checked_at": reading.now.isoformat(timespec="seconds"),
        "read_from": reading.read_from,
        "tables": [
            {
                "table": t["table"],
                "newest_row": t["newest_at"],
                "hours_behind": None if t["age_hours"] is None else round(t["age_hours"], 2),
                "status": t["status"],
            }
            for t in tables
        ],
    }


def one_line_json(body: dict[str, Any]) -> bytes:
    return (json.dumps(body, ensure_ascii=False, default=str) + "\n").encode()
