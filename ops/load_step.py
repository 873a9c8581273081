"""The load step: `python -m loaders --sources <one>` per source, as its own child.

One child per source gives each source its own seconds, exit code and failure line. Rows come
from the trace dlt saves after every run in the pipelines dir; a source whose child wrote no
trace loaded nothing (skipped: no credentials). While a child runs, the pipelines dir shows
which table is being extracted and loaded: that is the per-table progress.
"""

from __future__ import annotations

import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from loaders.common.pipeline import RUN_DIR_MARK
from ops import children
from ops.report import Reporter

# dlt's working dirs, in the order a table's files pass through them
_PHASES = (
    ("normalize/extracted", "extracting"),
    ("load/normalized", "normalized"),
    ("load/new", "normalized"),
    ("load/loaded", "loaded"),
)


@dataclass
class SourceLoad:
    source: str
    status: str  # success, failed, skipped
    seconds: float
    rows: int = 0
    table_rows: dict[str, int] = field(default_factory=dict)
    error: str = ""


def load_source(
    source: str, env: dict[str, str], pipelines_dir: Path, log: Path, reporter: Reporter
) -> SourceLoad:
    started = time.time()
    watcher = TableWatcher(pipelines_dir, started, source, reporter)
    command = [sys.executable, "-m", "loaders", "--sources", source]
    result = children.run(command, env, log, tick=watcher.tick)
    lines = result.lines()
    if not result.ok:
        prefix = "load failed: "
        cause = next((ln[len(prefix) :] for ln in lines if ln.startswith(prefix)), "")
        if not cause:
            cause = f"source {source}: the loader exited {result.code}" + (
                f" ({lines[-1].strip()})" if lines else ""
            )
        return SourceLoad(source, "failed", result.seconds, error=cause)
    table_rows = rows_from_traces(pipelines_dir, started, source)
    if not table_rows and not any(_traces(pipelines_dir, started, source)):
        note = next((ln for ln in reversed(lines) if "skip" in ln.lower()), "")
        return SourceLoad(source, "skipped", result.seconds, error=note.strip()[-300:])
    return SourceLoad(
        source, "success", result.seconds, sum(table_rows.values()), table_rows=table_rows
    )


def _traces(pipelines_dir: Path, since: float, source: str) -> list[Path]:
    # <pipelines dir>/<source>.run-<pid>/<source>/trace.pickle: every loader run has its own
    # dir, named for its source (loaders/common/pipeline.py)
    traces = pipelines_dir.glob(f"{source}{RUN_DIR_MARK}*/{source}/trace.pickle")
    return [p for p in traces if p.stat().st_mtime >= since - 1]


def rows_from_traces(pipelines_dir: Path, since: float, source: str) -> dict[str, int]:
    """Rows per table the source's pipeline normalized since `since` (dlt's own tables out)."""
    rows: dict[str, int] = {}
    for path in _traces(pipelines_dir, since, source):
        with path.open("rb") as stream:
            trace = pickle.load(stream)  # written by our own loader child a moment ago
        info = trace.last_normalize_info
        for table, count in (info.row_counts if info else {}).items():
            if not table.startswith("_dlt"):
                rows[table] = rows.get(table, 0) + int(count)
    return rows


class TableWatcher:
    """Which table a running load is at, from the files dlt moves between its working dirs."""

    def __init__(self, pipelines_dir: Path, since: float, source: str, reporter: Reporter):
        self.pipelines_dir, self.since, self.source = pipelines_dir, since, source
        self.reporter = reporter
        self.seen: dict[str, str] = {}

    def tick(self) -> None:
        states: dict[str, str] = {}
        for pipeline in self.pipelines_dir.glob("*/*"):
            for sub, state in _PHASES:
                for job in (pipeline / sub).glob("*/*_jobs/*.*"):
                    table = job.name.split(".", 1)[0]
                    if table.startswith("_dlt") or job.stat().st_mtime < self.since:
                        continue
                    states[table] = state
        for table, state in states.items():
            if table not in self.seen:
                self.reporter.event(f"load {self.source}", f"table {table}: {state}")
            self.seen[table] = state
        self.reporter.progress(f"load {self.source}", dict(self.seen))
