"""A source's dlt pipeline: named for the source, its state in the warehouse only, its
working files in a directory of this run's own."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import dlt
from dlt.common.runtime.collector import NULL_COLLECTOR

from loaders.common.settings import RunSettings
from loaders.common.warehouse_destination import warehouse
from warehouse_client import Engine

log = logging.getLogger("loaders")

RUN_DIR_MARK = ".run-"

# dlt's settings (tuning, the load id the staging models need) are in .dlt/config.toml, read
# from the working directory: run the loaders from the repo root (make load does).


def tune_dlt(run: RunSettings, engine: Engine) -> None:
    """The dlt settings that depend on the warehouse and its engine."""
    if run.warehouse_url.startswith("chdb:"):
        # the embedded warehouse reads the files from local disk: compressing costs only CPU
        os.environ.setdefault("DATA_WRITER__COMPRESSION", "none")
    if not engine.parallel_load_jobs:
        os.environ["LOAD__WORKERS"] = "1"  # more would deadlock in the engine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_dir(name: str, run: RunSettings) -> Path:
    """This run's own working dir for pipeline `name`: no other run ever touches it.

    Dirs of earlier runs (their pid is gone) are removed first; a run's own dir stays after
    it ends, so its dlt trace can be read (`make nightly`, the bench). dlt's state lives in
    the warehouse, so a fresh dir always restores the cursors from there."""
    base = run.pipelines_dir
    for stale in base.glob(f"{name}{RUN_DIR_MARK}*"):
        pid = stale.name.rpartition("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return base / f"{name}{RUN_DIR_MARK}{os.getpid()}"


def make_pipeline(name: str, run: RunSettings) -> dlt.Pipeline:
    """The pipeline of source `name`: pipeline and dataset are both named for the source,
    so its tables are raw.<name>__<table>."""
    return dlt.pipeline(
        pipeline_name=name,
        destination=warehouse(url=run.warehouse_url, cluster=run.warehouse_cluster),
        dataset_name=name,
        pipelines_dir=str(run_dir(name, run)),
        progress="log" if log.isEnabledFor(logging.DEBUG) else NULL_COLLECTOR,
    )
