"""`make load`: run the loaders for the selected sources, one after another.

Each source is its own dlt pipeline. A failing source is reported in one line and makes the
command exit non-zero; dlt only commits a source's new cursor together with its data, so the
warehouse keeps its last good state and re-running is always safe. The settings are checked
before anything runs, and the whole run holds the warehouse's run lock: a second `make load`
(or a nightly job) on the same warehouse exits at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.common.runtime.collector import NULL_COLLECTOR

from loaders.common.errors import ActionableError, one_line, redact_logs
from loaders.common.run_lock import run_lock
from loaders.common.warehouse_destination import warehouse
from loaders.config import ConfigError, Settings, env
from warehouse_client import Engine, WarehouseError, warehouse_engine

log = logging.getLogger("loaders")

# dlt's settings (tuning, the load id the staging models need) are in .dlt/config.toml, read
# from the working directory: run the loaders from the repo root (make load does).


def tune_dlt(settings: Settings, engine: Engine) -> None:
    """The dlt settings that depend on the warehouse and its engine."""
    if settings.warehouse_url.startswith("chdb:"):
        # the embedded warehouse reads the files from local disk: compressing costs only CPU
        os.environ.setdefault("DATA_WRITER__COMPRESSION", "none")
    if not engine.parallel_load_jobs:
        os.environ["LOAD__WORKERS"] = "1"  # more would deadlock in the engine


RUN_DIR_MARK = ".run-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_dir(name: str, settings: Settings) -> Path:
    """This run's own working dir for pipeline `name`: no other run ever touches it.

    Dirs of earlier runs (their pid is gone) are removed first; a run's own dir stays after
    it ends, so its dlt trace can be read (`make nightly`, the bench). dlt's state lives in
    the warehouse, so a fresh dir always restores the cursors from there."""
    base = Path(settings.pipelines_dir)
    for stale in base.glob(f"{name}{RUN_DIR_MARK}*"):
        pid = stale.name.rpartition("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return base / f"{name}{RUN_DIR_MARK}{os.getpid()}"


def make_pipeline(name: str, dataset: str, settings: Settings) -> dlt.Pipeline:
    """A pipeline whose state lives in the warehouse only, in a working dir of its own."""
    return dlt.pipeline(
        pipeline_name=name,
        destination=warehouse(url=settings.warehouse_url),
        dataset_name=dataset,
        pipelines_dir=str(run_dir(name, settings)),
        progress="log" if log.isEnabledFor(logging.DEBUG) else NULL_COLLECTOR,
    )


class LossyTypeChange(ActionableError):
    pass


def load_mysql(settings: Settings) -> LoadInfo:
    from loaders.mysql.load_report import LoadReport
    from loaders.mysql.source import (
        check_reachable,
        check_schema,
        create_shop_engine,
        replace_if_first,
        shop_database,
    )

    engine = create_shop_engine(settings.shop_db_url)
    try:
        check_reachable(engine)
        pipeline = make_pipeline("shop_mysql", "mysql", settings)
        pipeline.sync_destination()  # the cursors saved in the warehouse, before choosing how
        report = LoadReport(drifts=check_schema(engine, pipeline))
        lossy = [d for d in report.drifts if d.lossy]
        source = shop_database(
            engine,
            chunk_size=settings.mysql_chunk_size,
            report=report,
            skip=sorted({d.table for d in lossy}),
        )
        replace_if_first(source, pipeline.state.get("sources", {}).get(source.name, {}))
        info = pipeline.run(source)
        if lossy:  # the other tables are loaded; these wait for a person
            raise LossyTypeChange(
                "; ".join(d.line() for d in lossy)
                + ": table not loaded; widen the raw column (ALTER TABLE raw.mysql__<table>"
                " MODIFY COLUMN ...) or reload the table, then rerun"
            )
        return info
    finally:
        engine.dispose()


def load_vk(settings: Settings) -> LoadInfo | None:
    from loaders.vk import VkSettings, load_vk_profiles

    vk_settings = VkSettings.from_env()  # validated before the warehouse is touched
    pipeline = partial(make_pipeline, "vk_profiles", "vk", settings)  # made only when needed
    return load_vk_profiles(pipeline, settings.warehouse_url, vk_settings)


def load_ads(
    settings: Settings, source: str, dataset: str, platform: Any, build: Any
) -> LoadInfo | None:
    """One ad platform: skipped (one line) without credentials; else its reload window."""
    from loaders.common.ads_window import reload_window

    if not platform.has_credentials:
        log.info("source %s skipped: no credentials (%s)", source, platform.needs)
        return None
    pipeline = make_pipeline(f"ads_{dataset}", dataset, settings)
    pipeline.sync_destination()  # the last loaded day, saved in the warehouse
    window = reload_window(pipeline.state.get("sources", {}).get(dataset, {}))
    log.info("source %s: days %s..%s", source, window.date_from, window.date_to)
    return pipeline.run(build(platform, window))


def load_vk_ads(settings: Settings) -> LoadInfo | None:
    from loaders.vk_ads import source as vk_ads

    platform = vk_ads.VkAdsSettings.from_env()
    return load_ads(settings, "vk_ads", "vk_ads", platform, vk_ads.build_source)


def load_direct(settings: Settings) -> LoadInfo | None:
    from loaders.yandex_direct import source as yandex_direct

    platform = yandex_direct.DirectSettings.from_env()
    return load_ads(settings, "direct", "yandex_direct", platform, yandex_direct.build_source)


# A source returns None when it had nothing to load (it logs why itself).
SOURCES: dict[str, Callable[[Settings], LoadInfo | None]] = {
    "mysql": load_mysql,
    "vk": load_vk,
    "vk_ads": load_vk_ads,
    "direct": load_direct,
}


def main(argv: list[str] | None = None) -> int:
    try:
        sources_variable = env("SOURCES")
    except ConfigError as error:
        print(f"configuration error: {one_line(error)}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__)
    parser.add_argument(
        "--sources",
        default=sources_variable or ",".join(SOURCES),
        help=f"comma-separated, any of: {', '.join(SOURCES)} (default: all)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    selected = [s.strip() for s in args.sources.split(",") if s.strip()]
    unknown = sorted(set(selected) - set(SOURCES))
    if unknown:
        parser.error(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")

    redact_logs()
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"configuration error: {one_line(error)}", file=sys.stderr)
        return 2
    try:
        with run_lock(settings.warehouse_url, "make load"):
            # the warehouse's engine, once: a ClickHouse older than supported stops here
            tune_dlt(settings, warehouse_engine(settings.warehouse_url))
            failed = load_sources(selected, settings)
    except (ActionableError, WarehouseError) as error:  # the lock, or the warehouse itself
        print(f"load not started: {one_line(error)}", file=sys.stderr)
        return 1
    return 1 if failed else 0


def load_sources(selected: list[str], settings: Settings) -> list[str]:
    """Run each source; each fails alone. The names of those that failed."""
    failed = []
    for name in selected:
        try:
            info = SOURCES[name](settings)
        except Exception as error:
            failed.append(name)
            print(f"load failed: source {name}: {one_line(error)}", file=sys.stderr)
            continue
        if info is not None:
            log.info("source %s loaded: %s", name, summarize(info))
    return failed


def summarize(info: LoadInfo) -> str:
    packages = len(info.load_packages)
    jobs = sum(len(p.jobs["completed_jobs"]) for p in info.load_packages)
    return f"{packages} package(s), {jobs} job(s) into {info.dataset_name}"
