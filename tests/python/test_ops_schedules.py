"""The schedules in the repo: systemd units, the crontab line and the CI workflow.

The units are checked with `systemd-analyze verify` (the Debian package systemd) and parsed
for the keys that matter; the workflow with a YAML parser.
"""

from __future__ import annotations

import configparser
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

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
    assert len(UNITS) == 5
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


def test_health_service_serves_make_health_and_comes_back() -> None:
    service = unit("shop-analytics-health.service")
    assert service["Service"]["Type"] == "simple"  # long-running, unlike the oneshot jobs
    assert service["Service"]["ExecStart"].endswith("make --no-print-directory health")
    assert service["Service"]["Restart"] == "on-failure"
    assert service["Service"]["EnvironmentFile"] == "/etc/shop-analytics.env"
    assert service["Service"]["StandardOutput"] == service["Service"]["StandardError"] == "journal"
    assert service["Install"]["WantedBy"] == "multi-user.target"  # up with the machine


def test_every_unit_and_cron_line_writes_private_files() -> None:
    for name in (
        "shop-analytics-nightly.service",
        "shop-analytics-status.service",
        "shop-analytics-health.service",
    ):
        assert unit(name)["Service"]["UMask"] == "0077", name
    jobs = [ln for ln in (SCHEDULES / "crontab").read_text().splitlines() if "make" in ln]
    assert len(jobs) == 2 and all("&& umask 077 && make" in ln for ln in jobs)


def test_crontab_runs_the_nightly_at_0330_moscow() -> None:
    lines = [ln for ln in (SCHEDULES / "crontab").read_text().splitlines() if ln.strip()]
    assert "CRON_TZ=Europe/Moscow" in lines
    (nightly,) = [ln for ln in lines if ln.endswith("2>&1") and "nightly" in ln]
    assert re.match(r"^30 3 \* \* \* cd \S+ && .*make --no-print-directory nightly >> ", nightly)


def workflow() -> dict[Any, Any]:
    parsed: dict[str, Any] = yaml.safe_load(
        (REPO / ".github" / "workflows" / "nightly.yml").read_text()
    )
    return parsed


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    return list(job["steps"])


def uses_secrets(step: dict[str, Any]) -> bool:
    return "secrets." in json.dumps(step)


def test_ci_workflow_runs_the_nightly_on_a_schedule() -> None:
    triggers = workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "30 0 * * *"}]  # 03:30 in Moscow (UTC+3)
    assert workflow()["concurrency"]["cancel-in-progress"] is False
    runs = [step.get("run", "") for step in steps()]
    (install,) = [i for i, run in enumerate(runs) if "requirements/nightly.lock" in run]
    (job,) = [i for i, run in enumerate(runs) if "-m ops.nightly" in run]
    assert install < job


def test_ci_secrets_reach_only_the_steps_that_need_them() -> None:
    (job,) = workflow()["jobs"].values()
    assert "secrets." not in json.dumps(job.get("env", {}))  # nothing job-wide
    with_secrets = [step["name"] for step in steps() if uses_secrets(step)]
    assert with_secrets == ["Nightly job", "Free the VK Ads token of this run"]
    for step in steps():
        for name, value in (step.get("env") or {}).items():  # settings come from secrets only
            if re.search(r"URL|TOKEN$|SECRET|PASSWORD", name):
                assert value.startswith("${{ secrets."), name
    checkout = next(step for step in steps() if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False


def test_ci_installs_hashed_pins_without_the_dev_extras() -> None:
    (install,) = [s["run"] for s in steps() if "requirements/nightly.lock" in s.get("run", "")]
    assert "--require-hashes" in install and "[dev]" not in install
    assert "make" not in json.dumps(steps())  # `make setup` installs ranges and the dev extras
    lock = (REPO / "requirements" / "nightly.lock").read_text()
    pins = re.findall(r"^([a-z0-9._-]+)==\S+ \\$", lock, re.MULTILINE | re.IGNORECASE)
    assert len(pins) > 50 and lock.count("--hash=sha256:") >= len(pins)
    pinned = {re.sub(r"[-_.]+", "-", name).lower() for name in pins}
    # every dependency of the two packages is pinned: the lock was refreshed with them
    for pyproject in (REPO / "pyproject.toml", REPO / "dbt_adapter" / "pyproject.toml"):
        for requirement in tomllib.loads(pyproject.read_text())["project"]["dependencies"]:
            name = re.match(r"[A-Za-z0-9._-]+", requirement)
            assert name and re.sub(r"[-_.]+", "-", name.group()).lower() in pinned, requirement
    assert not {"pytest", "mypy", "ruff", "sqlfluff", "pre-commit"} & pinned


def test_ci_frees_the_vk_ads_token_after_every_run() -> None:
    names = [step.get("name") for step in steps()]
    revoke = steps()[names.index("Free the VK Ads token of this run")]
    assert names.index("Nightly job") < names.index("Free the VK Ads token of this run")
    assert revoke["if"] == "always()" and "loaders.vk_ads.revoke" in revoke["run"]
    nightly = steps()[names.index("Nightly job")]
    # the token file lives and dies with the runner: never in the cache or an artifact
    assert nightly["env"]["VK_ADS_TOKEN_FILE"] == revoke["env"]["VK_ADS_TOKEN_FILE"]
    assert nightly["env"]["VK_ADS_TOKEN_FILE"].startswith("${{ runner.temp }}")
    kept = json.dumps([s.get("with", {}) for s in steps() if "cache" in s.get("uses", "")])
    assert "vk_ads" not in kept and ".secrets" not in kept
