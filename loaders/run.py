"""`make load`: run the loaders for the selected sources, one after another.

Each source is its own dlt pipeline. A failing source is reported in one line and makes the
command exit non-zero; dlt only commits a source's new cursor together with its data, so the
warehouse keeps its last good state and re-running is always safe.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
from dlt.common.pipeline import LoadInfo

from loaders.common.errors import one_line
from loaders.common.warehouse_destination import warehouse
from loaders.config import Settings

log = logging.getLogger("loaders")

# The staging models tell current order lines from stale ones by the load that wrote them.
os.environ["NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID"] = "true"

# dlt tuning measured with `make bench` (README, "Benchmark"); the environment overrides each.
DLT_DEFAULTS = {
    # load files of at most this many rows: every insert into the warehouse stays small, so
    # the loader's memory does not grow with the tables
    "DATA_WRITER__FILE_MAX_ITEMS": "200000",
    # two inserts at a time (dlt's default is 20): as fast on two cores, with less memory
    "LOAD__WORKERS": "2",
    # one table after another (dlt's default interleaves them): as fast, one open MySQL
    # query at a time, and each table's time can be read from the trace
    "EXTRACT__NEXT_ITEM_MODE": "fifo",
}


def tune_dlt(settings: Settings) -> None:
    """dlt's settings for the loaders, unless the environment sets them already."""
    for key, value in DLT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if settings.warehouse_url.startswith("chdb:"):
        # the embedded warehouse reads the files from local disk: compressing costs only CPU
        os.environ.setdefault("DATA_WRITER__COMPRESSION", "none")


def make_pipeline(name: str, dataset: str, settings: Settings) -> dlt.Pipeline:
    """A pipeline whose state lives in the warehouse only.

    The local working dir is wiped first, so state (incremental cursors) is always restored
    from the warehouse: a fresh or rebuilt warehouse is loaded in full, never skipped.
    """
    shutil.rmtree(Path(settings.pipelines_dir) / name, ignore_errors=True)
    return dlt.pipeline(
        pipeline_name=name,
        destination=warehouse(url=settings.warehouse_url),
        dataset_name=dataset,
        pipelines_dir=str(settings.pipelines_dir),
        progress="log" if log.isEnabledFor(logging.DEBUG) else None,
    )


def load_mysql(settings: Settings) -> LoadInfo:
    from loaders.mysql_shop import (
        check_reachable,
        create_shop_engine,
        replace_if_first,
        shop_database,
    )

    engine = create_shop_engine(settings.shop_db_url)
    try:
        check_reachable(engine)
        pipeline = make_pipeline("shop_mysql", "mysql", settings)
        pipeline.sync_destination()  # the cursors saved in the warehouse, before choosing how
        source = shop_database(engine, chunk_size=settings.mysql_chunk_size)
        replace_if_first(source, pipeline.state.get("sources", {}).get(source.name, {}))
        return pipeline.run(source)
    finally:
        engine.dispose()


def load_ads(
    settings: Settings, source: str, dataset: str, platform: Any, build: Any
) -> LoadInfo | None:
    """One ad platform: skipped (one line) without credentials; else its reload window."""
    from loaders.ads_window import reload_window

    if not platform.has_credentials:
        log.info("source %s skipped: no credentials (%s)", source, platform.needs)
        return None
    pipeline = make_pipeline(f"ads_{dataset}", dataset, settings)
    pipeline.sync_destination()  # the last loaded day, saved in the warehouse
    window = reload_window(pipeline.state.get("sources", {}).get(dataset, {}))
    log.info("source %s: days %s..%s", source, window.date_from, window.date_to)
    return pipeline.run(build(platform, window))


def load_vk_ads(settings: Settings) -> LoadInfo | None:
    from loaders import vk_ads

    platform = vk_ads.VkAdsSettings.from_env()
    return load_ads(settings, "vk_ads", "vk_ads", platform, vk_ads.build_source)


def load_direct(settings: Settings) -> LoadInfo | None:
    from loaders import yandex_direct

    platform = yandex_direct.DirectSettings.from_env()
    return load_ads(settings, "direct", "yandex_direct", platform, yandex_direct.build_source)


SOURCES: dict[str, Callable[[Settings], LoadInfo | None]] = {
    "mysql": load_mysql,
    "vk_ads": load_vk_ads,
    "direct": load_direct,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__)
    parser.add_argument(
        "--sources",
        default=os.environ.get("SOURCES") or ",".join(SOURCES),
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

    settings = Settings.from_env()
    tune_dlt(settings)
    failed = []
    for name in selected:
        try:
            info = SOURCES[name](settings)
        except Exception as error:
            failed.append(name)
            print(f"load failed: source {name}: {one_line(error)}", file=sys.stderr)
            continue
        if info is not None:  # None: skipped, already said why
            log.info("source %s loaded: %s", name, summarize(info))
    return 1 if failed else 0


def summarize(info: LoadInfo) -> str:
    packages = len(info.load_packages)
    jobs = sum(len(p.jobs["completed_jobs"]) for p in info.load_packages)
    return f"{packages} package(s), {jobs} job(s) into {info.dataset_name}"
