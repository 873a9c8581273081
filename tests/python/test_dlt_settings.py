"""dlt reads its settings from the repo's .dlt/config.toml, and the environment overrides them.

Checked in a child process started from the repo root, the way `make load` and the tests'
loader runs start (the calling process may already have dlt's config cached).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from devtools.harness.paths import REPO

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

KEYS = (
    "data_writer.file_max_items",
    "load.workers",
    "extract.next_item_mode",
    "normalize.parquet_normalizer.add_dlt_load_id",
    "load.delete_completed_jobs",
    "load.truncate_staging_dataset",
)

READ = (
    "import json, sys, dlt\nprint(json.dumps({key: dlt.config.get(key) for key in sys.argv[1:]}))\n"
)


def dlt_settings(**env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATA_WRITER__", "LOAD__"))}
    done = subprocess.run(
        [sys.executable, "-c", READ, *KEYS],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout))


def test_config_toml_is_read_from_the_repo_root() -> None:
    assert dlt_settings() == {
        "data_writer.file_max_items": 200000,
        "load.workers": 2,
        "extract.next_item_mode": "fifo",
        "normalize.parquet_normalizer.add_dlt_load_id": True,
        "load.delete_completed_jobs": True,
        "load.truncate_staging_dataset": True,
    }


def test_the_environment_overrides_config_toml() -> None:
    settings = dlt_settings(LOAD__WORKERS="5", DATA_WRITER__FILE_MAX_ITEMS="1000")
    # the environment gives text; dlt casts it to the field's type when it resolves a config
    assert settings["load.workers"] == "5"
    assert settings["data_writer.file_max_items"] == "1000"
    assert settings["extract.next_item_mode"] == "fifo"
