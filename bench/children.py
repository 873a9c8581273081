"""Child processes with their wall time, CPU time and peak RSS (from wait4)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from loaders.config import child_env

REPO = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).with_name("dbt"))


class ChildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class ChildRun:
    name: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    log: Path

    def as_json(self) -> dict[str, float]:
        return {
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }


def run_child(name: str, command: list[str], env: dict[str, str], log: Path) -> ChildRun:
    """Run `command` to completion; stdout+stderr go to `log`. Raises ChildFailed on exit != 0.

    os.wait4 gives this child's own rusage, so the peak RSS is the child's (ru_maxrss is the
    largest of the process and of the descendants it waited for), never the bench's.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-15:]
        raise ChildFailed(f"{name} exited {process.returncode}; {log}:\n" + "\n".join(tail))
    return ChildRun(
        name=name,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        log=log,
    )


@dataclass(frozen=True)
class Warehouse:
    """One embedded warehouse of the bench, with the env that points loader and dbt at it."""

    root: Path
    shop_db_url: str

    @property
    def url(self) -> str:
        return f"chdb:{self.root / 'warehouse'}"

    @property
    def pipelines_dir(self) -> Path:
        return self.root / "pipelines"

    def env(self) -> dict[str, str]:
        return child_env(self.url, self.shop_db_url, self.pipelines_dir)

    def load(self, label: str) -> ChildRun:
        """`make load` as cron runs it: the loader CLI in its own process."""
        command = [sys.executable, "-m", "loaders"]
        return run_child(f"load ({label})", command, self.env(), self.root / f"{label}-load.log")

    def dbt_build(self, label: str) -> ChildRun:
        command = [DBT, "build", "--target-path", str(self.root / "target")]
        command += ["--log-path", str(self.root / "logs")]
        return run_child(
            f"dbt build ({label})", command, self.env(), self.root / f"{label}-dbt.log"
        )

    @property
    def run_results(self) -> Path:
        return self.root / "target" / "run_results.json"
