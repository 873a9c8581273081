"""`make nightly`: the nightly job, unattended, under the warehouse's run lease.

    python -m ops.nightly [--sources mysql,vk]

Steps, each a child process: the load (`python -m loaders --sources <s>`, one child per
source), `dbt build`, `dbt source freshness`, the run history (`python -m ops.history`), the
status snapshot `make health` answers from (`python -m ops.health.snapshot`), and
`dbt build -s tag:data_health` (the data-health marts over that history). Every step is
logged with its time and numbers; the exit code is non-zero when a source, model or test
failed or a source is past its freshness error threshold, and the last line names each.
New problems go out as one alert (ops.alerts). A run killed half-way leaves a marker that
the next run reports and records as `crashed`. The steps run under the job's run lease
(RUN_LEASE_HELD): none of them takes it again, and none can start while another run holds it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loaders.common.errors import ActionableError
from loaders.common.output import protect_output
from loaders.common.run_lock import run_guard
from loaders.registry import SOURCES, unknown_sources
from ops import children
from ops.alerts import Problem, alert
from ops.dbt_results import BuildSummary, Freshness, read_freshness, read_run_results
from ops.load_step import SourceLoad, load_source
from ops.report import Reporter
from ops.run_record import RunFacts, history_rows, iso
from ops.settings import OpsSettings, settings_or_exit
from ops.state import state_dir_for
from warehouse_client import chdb_path

KEEP_RUN_LOGS = 30
# A night's builds run every data test; unit tests check the models' logic on fixed inputs, not
# the night's data, so they run where the code changes (`dbt build` in CI and by analysts)
NIGHT_BUILD = ("build", "--exclude-resource-type", "unit_test")


class Nightly:
    def __init__(
        self, settings: OpsSettings, reporter: Reporter, guard_env: dict[str, str]
    ) -> None:
        self.settings, self.reporter = settings, reporter
        self.started = datetime.now(UTC)
        self.run_id = f"{self.started:%Y%m%dT%H%M%SZ}-{os.getpid()}"
        self.state_dir = state_dir_for(settings)
        self.logs = self.state_dir / "logs" / self.run_id
        self.target = settings.target_dir
        self.env = children.child_env(**guard_env)  # the steps run under the job's lease
        self.problems: list[Problem] = []
        self.loads: list[SourceLoad] = []
        self.build: BuildSummary | None = None
        self.build_seconds = 0.0
        self.freshness: list[Freshness] = []
        self.freshness_at = self.started
        self.freshness_errors: set[str] = set()  # problem keys of tables past error_after

    # -- the "a run is under way" marker: left behind only by a run that was killed

    @property
    def marker(self) -> Path:
        return self.state_dir / "running.json"

    def mark(self, step: str) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        info = {"run_id": self.run_id, "started_at": iso(self.started), "pid": os.getpid()}
        tmp = self.marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({**info, "step": step}))
        tmp.replace(self.marker)

    def crashed_run(self) -> dict[str, Any] | None:
        if not self.marker.exists():
            return None
        previous: dict[str, Any] = json.loads(self.marker.read_text())
        self.problems.append(
            Problem(
                f"crash:{previous['run_id']}",
                "nightly",
                f"the run started at {previous['started_at']} (pid {previous['pid']}) did not "
                f"finish: killed during step {previous['step']} or the machine stopped; this run "
                "redoes the night",
            )
        )
        return previous

    # -- steps

    def dbt(self, step: str, *args: str) -> children.ChildResult:
        self.mark(step)
        command = [children.DBT, *args, "--target-path", str(self.target)]
        command += ["--log-path", str(self.logs / "dbt")]
        return children.run(command, self.env, self.logs / f"{step}.log")

    def load(self, sources: list[str]) -> None:
        for source in sources:
            if reason := self.settings.skipped_sources.get(source):
                # known before the run (no credentials): no child to start for it
                self.loads.append(SourceLoad(source, "skipped", 0.0, error=reason))
                self.reporter.event(f"load {source}", f"skipped: {reason}", rows=0, seconds=0.0)
                continue
            self.mark(f"load {source}")
            self.reporter.event(f"load {source}", "started")
            done = load_source(
                source,
                self.env,
                self.settings.pipelines_dir,
                self.logs / f"load-{source}.log",
                self.reporter,
            )
            self.loads.append(done)
            fields: dict[str, Any] = {"rows": done.rows, "seconds": round(done.seconds, 1)}
            if done.status == "success":
                tables = ", ".join(f"{t} {n}" for t, n in sorted(done.table_rows.items()))
                message = f"ok, {done.rows} rows in {done.seconds:.1f} s ({tables})"
                self.reporter.event(f"load {source}", message, tables=done.table_rows, **fields)
            elif done.status == "skipped":  # the child found nothing to load
                self.reporter.event(f"load {source}", f"skipped {done.error}".strip(), **fields)
            else:
                self.reporter.event(f"load {source}", f"FAILED: {done.error}", level="error")
                self.problems.append(Problem(f"load:{source}", "load", done.error))

    def build_models(self) -> None:
        (self.target / "run_results.json").unlink(missing_ok=True)
        result = self.dbt("build", *NIGHT_BUILD)
        self.build_seconds = result.seconds
        self.build = read_run_results(self.target / "run_results.json")
        if self.build is None:
            cause = _last_line(result, "dbt build did not start")
            self.problems.append(Problem("build:dbt", "build", cause))
            self.reporter.event("build", f"FAILED: {cause}", level="error")
            return
        for node in self.build.failures:
            cause = f"{node.label} {node.status}: {node.message}"
            self.problems.append(Problem(f"build:{node.kind}:{node.name}", "build", cause))
        for node in self.build.warnings:
            cause = f"{node.label} warned: {node.message}"
            self.problems.append(
                Problem(f"warn:{node.kind}:{node.name}", "build", cause, "warning")
            )
        level = "info" if result.ok else "error"
        self.reporter.event(
            "build",
            f"{'ok' if result.ok else 'FAILED'}: {self.build.line()} in {result.seconds:.1f} s",
            level=level,
            seconds=round(result.seconds, 1),
            counts=self.build.counts,
        )
        for node in self.build.failures:
            self.reporter.event(
                "build", f"{node.label} {node.status}: {node.message}", level="error"
            )
        if not result.ok and not self.build.failures:
            self.problems.append(Problem("build:dbt", "build", _last_line(result, "dbt failed")))

    def check_freshness(self) -> None:
        # a source skipped for want of credentials may have no tables at all: not checked
        attempted = [f"source:{s.source}" for s in self.loads if s.status != "skipped"]
        if not attempted:
            self.reporter.event("freshness", "no source loaded: nothing to check")
            return
        (self.target / "sources.json").unlink(missing_ok=True)
        self.freshness_at = datetime.now(UTC)
        result = self.dbt("freshness", "source", "freshness", "--select", *attempted)
        checks = read_freshness(self.target / "sources.json")
        if checks is None:
            cause = _last_line(result, "dbt source freshness did not start")
            self.problems.append(Problem("freshness:dbt", "freshness", cause))
            self.reporter.event("freshness", f"FAILED: {cause}", level="error")
            return
        self.freshness = checks
        for check in checks:
            name = f"{check.source}.{check.table}"
            if check.status == "runtime error":
                cause = f"freshness of {name} could not be checked: {check.message}"
                self.problems.append(Problem(f"freshness:{name}", "freshness", cause))
            elif check.stale:
                problem = Problem(f"stale:{name}", "freshness", check.describe(), "stale")
                self.problems.append(problem)
                if check.status == "error":
                    self.freshness_errors.add(problem.key)
        stale = [f"{c.source}.{c.table} {c.status}" for c in checks if c.status != "pass"]
        self.reporter.event(
            "freshness",
            f"{len(checks) - len(stale)} of {len(checks)} tables fresh"
            + (f"; {', '.join(stale)}" if stale else "")
            + f" ({result.seconds:.1f} s)",
            level="info" if not stale else "warning",
            seconds=round(result.seconds, 1),
        )

    def record(self, crashed: dict[str, Any] | None) -> None:
        self.mark("history")
        rows = history_rows(
            RunFacts(
                run_id=self.run_id,
                started=self.started,
                loads=self.loads,
                build=self.build,
                build_seconds=self.build_seconds,
                freshness=self.freshness,
                freshness_at=self.freshness_at,
                problems=self.problems,
                failed=self.failures(),
            ),
            crashed,
        )
        path = self.logs / "run.json"
        path.write_text(json.dumps(rows, default=str))
        command = [sys.executable, "-m", "ops.history", "record", str(path)]
        result = children.run(command, self.env, self.logs / "history.log")
        if result.code == 3:  # the history tables are created by dbt's on-run-start hook
            self.dbt("history", "run-operation", "create_run_history_tables")
            result = children.run(command, self.env, self.logs / "history.log")
        if not result.ok:
            cause = _last_line(result, "the run history could not be written")
            self.reporter.event("history", f"FAILED: {cause}", level="error")
            self.problems.append(Problem("history", "history", cause))
        else:
            self.reporter.event("history", f"recorded run {self.run_id} ({result.seconds:.1f} s)")

    def write_status_snapshot(self) -> None:
        """What `make health` answers from (ops/health): the history as just recorded."""
        self.mark("snapshot")
        command = [sys.executable, "-m", "ops.health.snapshot"]
        result = children.run(command, self.env, self.logs / "snapshot.log")
        if not result.ok:
            cause = _last_line(result, "the status snapshot could not be written")
            self.reporter.event("snapshot", f"FAILED: {cause}", level="warning")
            self.problems.append(Problem("snapshot", "snapshot", cause, "warning"))

    def build_health(self) -> None:
        result = self.dbt("health", *NIGHT_BUILD, "--select", "tag:data_health")
        summary = read_run_results(self.target / "run_results.json")
        if result.ok:
            self.reporter.event("health", f"data-health marts built in {result.seconds:.1f} s")
            return
        nodes = summary.failures if summary else []
        for node in nodes:
            cause = f"{node.label} {node.status}: {node.message}"
            self.problems.append(Problem(f"health:{node.kind}:{node.name}", "health", cause))
        if not nodes:
            self.problems.append(Problem("health:dbt", "health", _last_line(result, "failed")))
        self.reporter.event("health", "FAILED: the data-health marts", level="error")

    # -- the run history rows (macros/run_history.sql)

    def failures(self) -> list[Problem]:
        """What fails the run: failed steps and freshness past its error threshold."""
        return [
            p
            for p in self.problems
            if (p.kind == "failure" and p.step != "nightly") or p.key in self.freshness_errors
        ]

    def run(self, sources: list[str]) -> int:
        crashed = self.crashed_run()
        if crashed:
            self.reporter.event("run", self.problems[-1].cause, level="warning")
        self.mark("start")
        self.reporter.event("run", f"run {self.run_id} started; logs in {self.logs}")
        self.load(sources)
        self.build_models()
        self.check_freshness()
        self.record(crashed)
        self.write_status_snapshot()
        self.build_health()
        failed = self.failures()
        try:
            alert(
                self.settings,
                self.state_dir / "alerts.json",
                self.problems,
                where="nightly",
                now=datetime.now(UTC),
                tests_ran=self.build is not None,
                reporter=self.reporter,
            )
        finally:  # the run is over whatever the alert did: never left marked in progress
            self.marker.unlink(missing_ok=True)
        _prune_logs(self.logs.parent)
        seconds = (datetime.now(UTC) - self.started).total_seconds()
        if failed:
            names = "; ".join(p.key.replace(":", " ", 1) for p in failed)
            self.reporter.event("run", f"FAILED in {seconds:.0f} s: {names}", level="error")
            print(f"nightly failed: {names}", file=sys.stderr)
            return 1
        self.reporter.event("run", f"ok in {seconds:.0f} s", seconds=round(seconds, 1))
        return 0


def _last_line(result: children.ChildResult, default: str) -> str:
    lines = [ln.strip() for ln in result.lines() if ln.strip()]
    return f"{lines[-1][-300:]} (log: {result.log})" if lines else default


def _prune_logs(directory: Path) -> None:
    runs = sorted(p for p in directory.glob("*") if p.is_dir())
    for old in runs[:-KEEP_RUN_LOGS]:
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    protect_output()
    parser = argparse.ArgumentParser(prog="python -m ops.nightly", description=__doc__)
    parser.add_argument(
        "--sources",
        default=os.environ.get("SOURCES") or ",".join(SOURCES),
        help=f"comma-separated, any of: {', '.join(SOURCES)} (default: all)",
    )
    args = parser.parse_args(argv)
    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    if unknown := unknown_sources(sources):
        parser.error(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    settings = settings_or_exit(sources)
    reporter = Reporter(settings.log_format)
    # the embedded warehouse is one process's at a time: the steps, not the job, heartbeat
    heartbeat = chdb_path(settings.warehouse_url) is None
    with ExitStack() as stack:
        try:
            guard_env = stack.enter_context(
                run_guard(settings.base, "make nightly", heartbeat=heartbeat)
            )
        except ActionableError as error:  # another run holds the lease, or no warehouse
            return _not_started(settings, reporter, error)
        return Nightly(settings, reporter, guard_env).run(sources)


def _not_started(settings: OpsSettings, reporter: Reporter, error: ActionableError) -> int:
    reporter.event("run", str(error), level="error")
    alert(
        settings,
        state_dir_for(settings) / "alerts.json",
        [Problem("nightly:lock", "nightly", str(error))],
        where="nightly",
        now=datetime.now(UTC),
        tests_ran=False,
        reporter=reporter,
    )
    print(f"nightly failed: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
