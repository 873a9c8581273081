"""Child processes with their wall time, CPU time and peak RSS (from wait4)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from devtools.harness.paths import REPO


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
