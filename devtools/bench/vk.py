"""The VK fetch at the bench's scale: every linked user's profile from the sandbox VK API.

Runs `make load` for the vk source alone (a child process, after the MySQL load) with the
production minimum gap between calls, and reports the calls, the seconds and the floor:
calls x the minimum gap, the least time VK's 3 calls/s allow whatever the loader does.
"""

from __future__ import annotations

import sys
from typing import Any

from devtools.harness.children import run_child
from devtools.harness.warehouse import Warehouse
from devtools.sandbox.server import SandboxServer

MIN_GAP_SECONDS = 0.34  # the loader's default, VK's 3 calls/s


def measure_vk_fetch(warehouse: Warehouse) -> dict[str, Any]:
    with SandboxServer() as sandbox:
        env = warehouse.env(
            SOURCES="vk",
            VK_API_URL=f"{sandbox.url('vk')}/method",
            VK_TOKEN="bench-token",
            VK_MIN_GAP_SECONDS=str(MIN_GAP_SECONDS),
        )
        command = [sys.executable, "-m", "loaders"]
        run = run_child("vk fetch", command, env, warehouse.root / "vk-load.log")
        calls = len(sandbox.apis["vk"].calls)
    ids = warehouse.query("SELECT count() FROM raw.vk__users")[0][0]
    return {
        **run.as_json(),
        "ids": ids,
        "calls": calls,
        "min_gap_seconds": MIN_GAP_SECONDS,
        "floor_seconds": round(calls * MIN_GAP_SECONDS, 3),
    }


def render(vk: dict[str, Any]) -> str:
    return (
        f"VK fetch: {vk['ids']:,} ids in {vk['calls']} calls, {vk['seconds']:.1f} s "
        f"(floor {vk['calls']} x {vk['min_gap_seconds']} s = {vk['floor_seconds']:.1f} s; "
        f"peak RSS {vk['peak_rss_mb']:.0f} MB)"
    )
