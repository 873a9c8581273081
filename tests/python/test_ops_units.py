"""The small rules of the operations layer, without a warehouse: dedup, scrubbing, log lines,
and reading dbt's artifacts (hand-written here in dbt's own format)."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devtools.harness.paths import REPO
from loaders.common.run_lock import run_lock
from ops.alerts import AlertState, Problem, night_of
from ops.dbt_results import read_freshness, read_run_results
from ops.report import Reporter
from warehouse_client.secrets import redact, register_environment

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

LOAD = Problem("load:mysql", "load", "source mysql: cannot connect")
WARN = Problem("warn:test:orders_user", "build", "test orders_user warned", "warning")


def test_a_failure_is_sent_once_per_night(tmp_path: Path) -> None:
    path = tmp_path / "alerts.json"
    state = AlertState(path)
    assert state.new_problems([LOAD], "2026-11-24", tests_ran=True) == [LOAD]
    state.mark_sent([LOAD], "2026-11-24")
    state.save()

    again = AlertState(path)  # the next run reads the file
    assert again.new_problems([LOAD], "2026-11-24", tests_ran=True) == []
    assert again.new_problems([LOAD], "2026-11-25", tests_ran=True) == [LOAD]


def test_a_warning_is_sent_the_first_time_and_again_only_after_passing(tmp_path: Path) -> None:
    state = AlertState(tmp_path / "alerts.json")
    assert state.new_problems([WARN], "2026-11-24", tests_ran=True) == [WARN]
    state.mark_sent([WARN], "2026-11-24")
    assert state.new_problems([WARN], "2026-11-25", tests_ran=True) == []  # still firing
    assert state.new_problems([], "2026-11-25", tests_ran=False) == []  # no build: keep it
    assert state.new_problems([WARN], "2026-11-25", tests_ran=True) == []
    assert state.new_problems([], "2026-11-26", tests_ran=True) == []  # it passed
    assert state.new_problems([WARN], "2026-11-26", tests_ran=True) == [WARN]


def test_a_night_is_a_moscow_calendar_day() -> None:
    assert night_of(datetime(2026, 11, 23, 21, 30, tzinfo=UTC), "Europe/Moscow") == "2026-11-24"
    assert night_of(datetime(2026, 11, 23, 20, 59, tzinfo=UTC), "Europe/Moscow") == "2026-11-23"


def test_redact_removes_passwords_and_secret_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VK_TOKEN", "vk1.a.Sup3rSecretToken")
    register_environment()
    text = redact(
        "https://etl:Pw0rd@ch:8443/ failed; token vk1.a.Sup3rSecretToken; password=hunter22"
    )
    assert "Pw0rd" not in text and "Sup3rSecretToken" not in text and "hunter22" not in text
    assert "https://etl:***@ch:8443/" in text


def test_log_lines_plain_json_and_progress() -> None:
    plain = io.StringIO()
    Reporter("text", plain).event("load mysql", "ok, 10 rows in 1.0 s", rows=10)
    assert plain.getvalue().endswith(" nightly load mysql: ok, 10 rows in 1.0 s\n")

    lines = io.StringIO()
    Reporter("json", lines).event("build", "FAILED", level="error", seconds=2.5)
    record = json.loads(lines.getvalue())
    assert record["step"] == "build" and record["level"] == "error" and record["seconds"] == 2.5

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Terminal()
    reporter = Reporter("text", tty)
    reporter.progress("load mysql", {"users": "loaded", "zakazy": "extracting"})
    reporter.progress("load mysql", {"users": "loaded", "zakazy": "loaded"})
    reporter.event("load mysql", "ok")
    shown = tty.getvalue()
    assert shown.count("\r\033[K") == 3  # redrawn in place, then cleared for the line
    assert "zakazy extracting" in shown and shown.endswith("load mysql: ok\n")
    off_tty = io.StringIO()
    Reporter("text", off_tty).progress("load mysql", {"users": "loaded"})
    assert off_tty.getvalue() == ""  # cron gets no redraws


def test_dbt_artifacts_name_each_failure(tmp_path: Path) -> None:
    results = [
        {"unique_id": "model.shop.fct_orders", "status": "success", "message": "OK",
         "relation_name": "`marts_build`.`fct_orders`"},
        {"unique_id": "model.shop.stg_x", "status": "error", "message": "Code: 47.\nmore",
         "relation_name": "`staging`.`stg_x`"},
        {"unique_id": "model.shop.stg_y", "status": "error",
         "message": "Database Error in model stg_y (models/stg_y.sql)\n  Code: 47. Unknown\n"},
        {"unique_id": "test.shop.not_null_x_id.abc123", "status": "fail",
         "message": "Got 3 results, configured to fail if != 0"},
        {"unique_id": "test.shop.relationships_y.def456", "status": "warn", "message": "Got 1"},
        {"unique_id": "unit_test.shop.fct_orders.test_repeat", "status": "pass", "message": ""},
    ]  # fmt: skip
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    summary = read_run_results(tmp_path / "run_results.json")
    assert summary is not None
    assert [(n.label, n.message) for n in summary.failures] == [
        ("model stg_x", "Code: 47."),
        ("model stg_y", "Database Error in model stg_y (models/stg_y.sql): Code: 47. Unknown"),
        ("test not_null_x_id", "Got 3 results, configured to fail if != 0"),
    ]
    assert [n.name for n in summary.warnings] == ["relationships_y"]
    assert summary.marts_built == ["marts.fct_orders"]
    assert read_run_results(tmp_path / "absent.json") is None

    sources = [
        {"unique_id": "source.shop.mysql.zakazy", "status": "warn",
         "max_loaded_at": "2026-11-23T00:00:00+00:00",
         "criteria": {"warn_after": {"count": 26, "period": "hour"},
                      "error_after": {"count": 2, "period": "day"}}},
    ]  # fmt: skip
    (tmp_path / "sources.json").write_text(json.dumps({"results": sources}))
    (check,) = read_freshness(tmp_path / "sources.json") or []
    assert (check.source, check.table, check.stale) == ("mysql", "zakazy", True)
    assert (check.warn_after_seconds, check.error_after_seconds) == (26 * 3600, 48 * 3600)
    now = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    assert check.describe(now) == (
        "source mysql.zakazy is stale: newest row 30.0 h old (warn after 26 h, error after 48 h)"
    )


def test_run_lock_lets_one_run_in_and_its_children_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUN_LOCK_DIR", str(tmp_path))
    url = f"chdb:{tmp_path / 'warehouse'}"
    probe = (
        "import sys; from loaders.common.run_lock import run_lock, RunInProgress\n"
        "try:\n"
        f"    with run_lock({url!r}, 'load'): print('got it')\n"
        "except RunInProgress as error: print(error)\n"
    )

    def second(**env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=REPO,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout.strip()

    with run_lock(url, "nightly") as lock_file:
        refused = second()
        holder = f"{socket.gethostname()}, pid {os.getpid()}, since "
        assert refused.startswith(f"another run is in progress ({holder}")
        assert second(RUN_LOCK_HELD=str(lock_file)) == "got it"  # a child of the holder
    assert second() == "got it"  # released
