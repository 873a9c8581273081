"""The schedules in the repo: systemd units, the crontab line and the CI workflow.

The units are checked with `systemd-analyze verify` (the Debian package systemd) and parsed
for the keys that matter; the workflow with a YAML parser.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from devtools.harness.paths import REPO

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

SCHEDULES = REPO / "ops" / "schedules"
UNITS = sorted(SCHEDULES.glob("*.service")) + sorted(SCHEDULES.glob("*.timer"))


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(SCHEDULES / name)
    return parser


def test_units_verify(tmp_path: Path) -> None:
    assert len(UNITS) == 4
    tool = shutil.which("systemd-analyze")
    assert tool, "install the Debian package systemd: the units are checked with systemd-analyze"
    for path in UNITS:  # verify wants the unit names it references next to each other
        shutil.copy(path, tmp_path / path.name)
    done = subprocess.run(
        [tool, "verify", *(str(tmp_path / p.name) for p in UNITS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    ours = [ln for ln in done.stderr.splitlines() if str(tmp_path) in ln]
    assert not ours, "\n".join(ours)


def test_nightly_timer_runs_at_0330_moscow_and_catches_up() -> None:
    timer = unit("shop-analytics-nightly.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 03:30:00 Europe/Moscow"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "shop-analytics-nightly.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_nightly_service_runs_make_nightly_into_journald() -> None:
    service = unit("shop-analytics-nightly.service")["Service"]
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].endswith("make --no-print-directory nightly")
    assert service["StandardOutput"] == service["StandardError"] == "journal"
    assert service["EnvironmentFile"] == "/etc/shop-analytics.env"  # secrets stay out of units
    assert "RUN_LOCK_DIR=/run/shop-analytics" in service["Environment"]


def test_crontab_runs_the_nightly_at_0330_moscow() -> None:
    lines = [ln for ln in (SCHEDULES / "crontab").read_text().splitlines() if ln.strip()]
    assert "CRON_TZ=Europe/Moscow" in lines
    (nightly,) = [ln for ln in lines if ln.endswith("2>&1") and "nightly" in ln]
    assert re.match(r"^30 3 \* \* \* cd \S+ && .*make --no-print-directory nightly >> ", nightly)


def test_ci_workflow_runs_the_nightly_on_a_schedule() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "nightly.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "30 0 * * *"}]  # 03:30 in Moscow (UTC+3)
    assert workflow["concurrency"]["cancel-in-progress"] is False
    (job,) = workflow["jobs"].values()
    runs = [step.get("run") for step in job["steps"]]
    assert "make nightly" in runs and runs.index("make setup") < runs.index("make nightly")
    for name, value in job["env"].items():  # settings come from secrets, never from the file
        if re.search(r"URL|TOKEN|SECRET|PASSWORD", name):
            assert value.startswith("${{ secrets."), name
