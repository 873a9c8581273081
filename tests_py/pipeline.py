"""The nightly job as the tests run it: child processes, exactly like cron would."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.config import child_env

REPO = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).with_name("dbt"))


@dataclass
class Warehouse:
    """A temporary embedded warehouse plus the env that points loaders and dbt at it."""

    root: Path
    shop_db_url: str

    @property
    def url(self) -> str:
        return f"chdb:{self.root / 'warehouse'}"

    def env(self, **extra: str) -> dict[str, str]:
        return {**child_env(self.url, self.shop_db_url, self.root / "pipelines"), **extra}

    def load(self, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "loaders"],
            cwd=REPO,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=600,
        )

    def dbt(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [DBT, *args, "--target-path", str(self.root / "target")]
        command += ["--log-path", str(self.root / "logs")]
        return subprocess.run(
            command, cwd=REPO, env=self.env(), capture_output=True, text=True, timeout=900
        )

    def query(self, sql: str) -> list[list[Any]]:
        done = subprocess.run(
            [sys.executable, "-m", "tests_py.warehouse_cli", self.url, sql],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return json.loads(done.stdout)


def assert_ok(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, (
        f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
