"""The rows one nightly run adds to the run history (tables: macros/run_history.sql)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ops.alerts import Problem
from ops.dbt_results import BuildSummary, Freshness
from ops.load_step import SourceLoad
from warehouse_client.secrets import redact


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="milliseconds") if moment else None


@dataclass(frozen=True)
class RunFacts:
    run_id: str
    started: datetime
    loads: list[SourceLoad]
    build: BuildSummary | None
    build_seconds: float
    freshness: list[Freshness]
    freshness_at: datetime
    problems: list[Problem]
    failed: list[Problem]  # what fails the run


def kind_and_name(key: str) -> tuple[str, str]:
    """('test', 'not_null_x') from 'build:test:not_null_x'; ('source', 'mysql') from 'load:x'."""
    head, _, rest = key.partition(":")
    if head in ("build", "warn", "health") and ":" in rest:
        kind, _, name = rest.partition(":")
        return kind, name
    kinds = {"load": "source", "stale": "source table", "freshness": "source table"}
    return kinds.get(head, head), rest or head


def masked(value: Any) -> Any:
    """Every text in the rows with its secrets masked: the history feeds DataLens."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def history_rows(run: RunFacts, crashed: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """One list of rows per history table, every message masked; `crashed` is the marker a
    killed run left."""
    rows: dict[str, list[dict[str, Any]]] = masked(_rows(run, crashed))
    return rows


def _rows(run: RunFacts, crashed: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    build = run.build or BuildSummary()
    row = {
        "run_id": run.run_id,
        "started_at": iso(run.started),
        "ended_at": iso(datetime.now(UTC)),
        "status": "failed" if run.failed else "success",
        "failed_steps": sorted({p.step for p in run.failed}),
        "error": run.failed[0].cause if run.failed else "",
        "models_ok": build.count("model", "success"),
        "models_failed": build.count("model", "error"),
        "tests_passed": build.count("test", "pass") + build.count("unit_test", "pass"),
        "tests_warned": build.count("test", "warn"),
        "tests_failed": build.count("test", "fail", "error")
        + build.count("unit_test", "fail", "error"),
        "skipped": sum(v for k, v in build.counts.items() if k.endswith(":skipped")),
        "stale_tables": sum(1 for c in run.freshness if c.stale),
        "published": build.marts_built if run.build and not build.failures else [],
        "load_seconds": round(sum(s.seconds for s in run.loads), 3),
        "build_seconds": round(run.build_seconds, 3),
    }
    runs = [row]
    if crashed:  # recorded by the run after it, which found its marker
        runs.append(
            {
                **{key: 0 for key, value in row.items() if isinstance(value, int | float)},
                "run_id": crashed["run_id"],
                "started_at": crashed["started_at"],
                "ended_at": None,
                "status": "crashed",
                "failed_steps": [crashed["step"]],
                "error": f"killed during step {crashed['step']}",
                "published": [],
            }
        )
    sources = [
        {
            "run_id": run.run_id,
            "started_at": iso(run.started),
            "source": s.source,
            "status": s.status,
            "rows_loaded": s.rows,
            "seconds": round(s.seconds, 3),
            "error": s.error,
            "table_rows": s.table_rows,
        }
        for s in run.loads
    ]
    freshness = [
        {
            "run_id": run.run_id,
            "checked_at": iso(run.freshness_at),
            "source": c.source,
            "table_name": c.table,
            "status": c.status,
            "max_loaded_at": c.max_loaded_at,
            "warn_after_seconds": c.warn_after_seconds,
            "error_after_seconds": c.error_after_seconds,
            "error": c.message if c.status == "runtime error" else "",
        }
        for c in run.freshness
    ]
    failures = [
        {
            "run_id": run.run_id,
            "started_at": iso(run.started),
            "step": p.step,
            **dict(zip(("kind", "name"), kind_and_name(p.key), strict=True)),
            "status": {"warning": "warn", "stale": "stale"}.get(p.kind, "error"),
            "message": p.cause,
        }
        for p in run.problems
    ]
    return {
        "run_history": runs,
        "run_sources": sources,
        "run_freshness": freshness,
        "run_failures": failures,
    }
