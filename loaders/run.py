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

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.common.runtime.collector import NULL_COLLECTOR

from loaders.common.errors import one_line
from loaders.common.warehouse_destination import warehouse
from loaders.config import Settings

log = logging.getLogger("loaders")

# dlt's settings (tuning, the load id the staging models need) are in .dlt/config.toml, read
# from the working directory: run the loaders from the repo root (make load does).


def tune_dlt(settings: Settings) -> None:
    """The one dlt setting that depends on the warehouse, unless the environment sets it."""
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
        progress="log" if log.isEnabledFor(logging.DEBUG) else NULL_COLLECTOR,
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


SOURCES: dict[str, Callable[[Settings], LoadInfo]] = {"mysql": load_mysql}


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
        log.info("source %s loaded: %s", name, summarize(info))
    return 1 if failed else 0


def summarize(info: LoadInfo) -> str:
    packages = len(info.load_packages)
    jobs = sum(len(p.jobs["completed_jobs"]) for p in info.load_packages)
    return f"{packages} package(s), {jobs} job(s) into {info.dataset_name}"
