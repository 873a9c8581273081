"""The nightly's steps run as child processes, like cron runs `make load` and `dbt build`.

chDB keeps one engine per process and locks its directory, so the entry point never opens
the warehouse itself: every step that touches it is a child that exits before the next.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loaders.common.settings import REPO_ROOT

DBT = str(Path(sys.executable).with_name("dbt"))
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ChildResult:
    code: int
    seconds: float
    log: Path

    @property
    def ok(self) -> bool:
        return self.code == 0

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []


def _die_with_parent() -> None:
    # a SIGKILLed nightly must not leave a loader or dbt holding the warehouse
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def run(
    command: list[str],
    env: dict[str, str],
    log: Path,
    tick: Callable[[], None] | None = None,
) -> ChildResult:
    """Run to completion with output to `log`; `tick` is called about once a second."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("wb") as out:
        child = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        while True:
            try:
                code = child.wait(timeout=1.0)
                break
            except subprocess.TimeoutExpired:
                if tick is not None:
                    tick()
    return ChildResult(code, time.monotonic() - started, log)


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.setdefault("DBT_PROFILES_DIR", str(REPO_ROOT))
    return env
