"""The loader's fixed start-up: importing it, and proof that it no longer imports dbt.

The loader reaches the warehouse through `warehouse_client` (no dbt, no dlt imports); it used
to import dbt-core through the adapter for the same URL helpers. Each import is timed in a
fresh child interpreter, best of three (the machine is shared).
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

from devtools.harness.paths import REPO

DBT_LOADED = "any(m == 'dbt' or m.startswith('dbt.') for m in sys.modules)"


def _import_seconds(module: str, tries: int = 3) -> tuple[float, bool]:
    """Seconds to start Python and import `module` (best of `tries`); whether dbt got loaded."""
    code = f"import sys, {module}; print({DBT_LOADED})"
    best, dbt_loaded = float("inf"), False
    for _ in range(tries):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
        )
        best = min(best, time.perf_counter() - started)
        dbt_loaded = done.stdout.strip() == "True"
    return best, dbt_loaded


def loader_start() -> dict[str, Any]:
    loader, loader_dbt = _import_seconds("loaders.run")
    adapter, _ = _import_seconds("dbt.adapters.chdb")
    bare, _ = _import_seconds("warehouse_client")
    return {
        "import_loader_seconds": round(loader, 3),
        "loader_imports_dbt": loader_dbt,
        "import_dbt_adapter_seconds": round(adapter, 3),
        "import_warehouse_client_seconds": round(bare, 3),
    }
