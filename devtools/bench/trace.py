"""Per-table seconds of one loader run, read from the trace dlt saves after every run.

The loader reads one table after another (dlt's `fifo` extraction), so a table's extract
time is the span from the previous table's last written batch (or the start of the extract
step) to its own last one. Its load time is the sum of its load jobs in the warehouse (file
inserts, then merge SQL); two jobs run at a time, so these may overlap. What the tables do
not account for (process start, imports, state restore, normalize) is reported as overhead.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PIPELINE = "mysql"  # the source name (loaders/registry.py)


@dataclass(frozen=True)
class TableTiming:
    rows: int
    extract_seconds: float
    load_seconds: float

    @property
    def seconds(self) -> float:
        return self.extract_seconds + self.load_seconds


def _steps(pipelines_dir: Path) -> dict[str, Any]:
    # each loader run works in <pipelines dir>/<name>.run-<pid>/<name>: take the latest
    traces = pipelines_dir.glob(f"{PIPELINE}.run-*/{PIPELINE}/trace.pickle")
    with max(traces, key=lambda p: p.stat().st_mtime).open("rb") as stream:
        trace = pickle.load(stream)  # written by our own loader run, a moment ago
    return {step.step: step for step in trace.steps}


def table_timings(pipelines_dir: Path, tables: list[str]) -> dict[str, TableTiming]:
    steps = _steps(pipelines_dir)
    extract, load = steps["extract"], steps.get("load")
    writes: dict[str, tuple[int, float]] = {}  # table -> rows, last write (epoch seconds)
    for metrics in extract.step_info.metrics.values():
        for package in metrics:
            for name, table in package["table_metrics"].items():
                rows, last = writes.get(name, (0, 0.0))
                writes[name] = (rows + table.items_count, max(last, table.last_modified))
    previous = extract.started_at.timestamp()
    extract_seconds: dict[str, float] = {}
    for name, (_, last) in sorted(writes.items(), key=lambda item: item[1][1]):
        extract_seconds[name] = max(0.0, last - previous)
        previous = max(previous, last)
    load_seconds: dict[str, float] = dict.fromkeys(tables, 0.0)
    if load is not None:
        for metrics in load.step_info.metrics.values():
            for package in metrics:
                for job in package["job_metrics"].values():
                    if job.table_name in load_seconds:
                        elapsed = (job.finished_at - job.started_at).total_seconds()
                        load_seconds[job.table_name] += elapsed
    return {
        name: TableTiming(
            rows=writes.get(name, (0, 0.0))[0],
            extract_seconds=extract_seconds.get(name, 0.0),
            load_seconds=load_seconds[name],
        )
        for name in tables
    }


def step_seconds(pipelines_dir: Path) -> dict[str, float]:
    """Wall seconds of dlt's steps: extract, normalize, load, and run (all of them)."""
    return {
        name: (step.finished_at - step.started_at).total_seconds()
        for name, step in _steps(pipelines_dir).items()
    }
