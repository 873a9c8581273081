"""`make status`: is the data fresh and did the last nights work? For people and healthchecks.

    python -m ops.status [--json] [--no-alert]

Per source: the last successful load and its rows, the last status and error; per source
table: freshness now, against the thresholds of the sources' yml `freshness:` blocks as dbt
recorded them at the last nightly run (the age is recomputed at this moment). Exits 1 when a
source's last load failed, a table is stale, the last run failed or crashed, or no run was
ever recorded; stale tables and crashed runs are alerted (once per night, like the nightly).
It reads the warehouse in its own short process and never takes the run lock.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loaders.common.output import protect_output
from ops.alerts import Problem, alert
from ops.dbt_results import Freshness
from ops.health.snapshot import write_snapshot
from ops.report import Reporter
from ops.settings import settings_or_exit
from ops.state import state_dir_for
from warehouse_client import WarehouseError, open_client, redact_url

_SOURCES_SQL = """
SELECT source,
       argMax(status, started_at), max(started_at),
       countIf(status = 'success'), maxIf(started_at, status = 'success'),
       argMaxIf(rows_loaded, started_at, status = 'success'),
       argMaxIf(error, started_at, status = 'failed')
FROM ops.run_sources GROUP BY source ORDER BY source
"""
_FRESHNESS_SQL = """
SELECT source, table_name, argMax(status, checked_at),
       toString(argMax(max_loaded_at, checked_at)),
       argMax(warn_after_seconds, checked_at), argMax(error_after_seconds, checked_at),
       argMax(error, checked_at)
FROM ops.run_freshness
WHERE run_id = (SELECT argMax(run_id, checked_at) FROM ops.run_freshness)
GROUP BY source, table_name ORDER BY source, table_name
"""
_LAST_RUN_SQL = """
SELECT run_id, toString(started_at), toString(ended_at), status, error
FROM ops.run_history ORDER BY started_at DESC LIMIT 1
"""


@dataclass
class SourceStatus:
    source: str
    last_status: str
    last_run_at: str | None
    last_success_at: str | None
    last_success_rows: int
    last_error: str


@dataclass
class TableFreshness:
    table: str
    status: str
    age_hours: float | None
    detail: str
    newest_at: str | None  # the newest row's load time, ISO (UTC)


def read_history(url: str) -> dict[str, Any] | None:
    client = open_client(url)
    try:
        tables = client.query("SELECT name FROM system.tables WHERE database = 'ops'").result_rows
        if ("run_history",) not in {tuple(t) for t in tables}:
            return None
        return {
            "last_run": client.query(_LAST_RUN_SQL).result_rows,
            "sources": client.query(_SOURCES_SQL).result_rows,
            "freshness": client.query(_FRESHNESS_SQL).result_rows,
        }
    finally:
        client.close()


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else None


def freshness_now(row: list[Any] | tuple[Any, ...], now: datetime) -> TableFreshness:
    source, table, recorded, newest, warn_after, error_after, error = row
    check = Freshness(
        source, table, recorded, newest and f"{newest}+00:00", warn_after, error_after, error
    )
    age = check.age_hours(now)
    newest_at = newest and datetime.fromisoformat(f"{newest}+00:00").isoformat(timespec="seconds")
    if recorded == "runtime error":
        detail = f"not checked: {error}"
        return TableFreshness(f"{source}.{table}", recorded, age, detail, newest_at)
    status = "pass"
    if age is None or (error_after and age * 3600 > error_after):
        status = "error"
    elif warn_after and age * 3600 > warn_after:
        status = "warn"
    detail = check.describe(now) if status != "pass" else f"newest row {age:.1f} h old"
    return TableFreshness(f"{source}.{table}", status, age, detail, newest_at)


def evaluate(history: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    if history is None or not history["last_run"]:
        return {
            "ok": False,
            "last_run": None,
            "sources": [],
            "freshness": [],
            "problems": ["no nightly run recorded yet: run `make nightly`"],
        }
    run_id, started, ended, run_status, run_error = history["last_run"][0]
    sources = [
        SourceStatus(src, status, _iso(last), _iso(ok_at) if n_ok else None, int(rows), err)
        for src, status, last, n_ok, ok_at, rows, err in history["sources"]
    ]
    tables = [freshness_now(row, now) for row in history["freshness"]]
    problems = []
    if run_status != "success":
        problems.append(f"last run {run_id} {run_status}: {run_error}")
    problems += [
        f"source {s.source}: last load failed: {s.last_error}"
        for s in sources
        if s.last_status == "failed"
    ]
    problems += [t.detail for t in tables if t.status != "pass"]
    return {
        "ok": not problems,
        "last_run": {
            "run_id": run_id,
            "started_at": started,
            "ended_at": ended,
            "status": run_status,
            "error": run_error,
        },
        "sources": [asdict(s) for s in sources],
        "freshness": [asdict(t) for t in tables],
        "problems": problems,
    }


def print_text(report: dict[str, Any], url: str) -> None:
    print(f"warehouse {redact_url(url)}")
    run = report["last_run"]
    if run:
        print(
            f"last run  {run['run_id']}  {run['status']}  {run['started_at']} .. {run['ended_at']}"
        )
    if report["sources"]:
        width = max(len("source"), *(len(s["source"]) for s in report["sources"]))
        header = f"{'source':<{width}} {'last status':<12} {'last success (UTC)':<26} {'rows':>9}"
        print(f"\n{header}  last error")
        for s in report["sources"]:
            print(
                f"{s['source']:<{width}} {s['last_status']:<12} "
                f"{s['last_success_at'] or 'never':<26} "
                f"{s['last_success_rows']:>9}  {s['last_error'] or '-'}"
            )
    if report["freshness"]:
        print(f"\n{'table':<28} {'freshness':<14} detail")
        for t in report["freshness"]:
            print(f"{t['table']:<28} {t['status']:<14} {t['detail']}")
    print("\nstatus: " + ("OK" if report["ok"] else "PROBLEMS"))
    for problem in report["problems"]:
        print(f"  - {problem}")


def main(argv: list[str] | None = None) -> int:
    protect_output()
    parser = argparse.ArgumentParser(prog="python -m ops.status", description=__doc__)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--no-alert", action="store_true", help="report only, send nothing")
    args = parser.parse_args(argv)
    settings = settings_or_exit()
    now = datetime.now(UTC)
    try:
        history = read_history(settings.warehouse_url)
    except WarehouseError as error:
        busy = {"ok": False, "busy": True, "problems": [str(error)]}
        print(json.dumps(busy) if args.json else f"status: {error}")
        return 2 if "in use" in str(error) else 1
    try:  # what `make health` answers from on an embedded warehouse (ops/health)
        write_snapshot(settings, now, history)
    except OSError as error:
        print(f"status: the status snapshot could not be written: {error}", file=sys.stderr)
    report: dict[str, Any] = evaluate(history, now)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print_text(report, settings.warehouse_url)
    if not args.no_alert:
        problems = [
            Problem(f"stale:{t['table']}", "freshness", t["detail"], "stale")
            for t in report["freshness"]
            if t["status"] != "pass"
        ]
        marker = state_dir_for(settings) / "running.json"
        if marker.exists() and run_is_dead(marker):
            crashed = json.loads(marker.read_text())
            problems.append(
                Problem(
                    f"crash:{crashed['run_id']}",
                    "nightly",
                    f"the run started at {crashed['started_at']} did not finish "
                    f"(killed during step {crashed['step']})",
                )
            )
        alert(
            settings,
            state_dir_for(settings) / "alerts.json",
            problems,
            where="status",
            now=now,
            tests_ran=False,
            reporter=Reporter(settings.log_format, sys.stderr, name="status"),
        )
    return 0 if report["ok"] else 1


def run_is_dead(marker: Path) -> bool:
    """A marker whose process is gone: the run was killed (a live one keeps its pid)."""
    pid = json.loads(marker.read_text()).get("pid")
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, TypeError, ValueError):
        return True
    except PermissionError:
        return False
    return False


if __name__ == "__main__":
    sys.exit(main())
