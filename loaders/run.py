"""`make load`: run the loaders for the selected sources, one after another.

Each source is its own dlt pipeline (loaders.registry). Every setting of every selected
source is read and checked before anything runs. A failing source is reported in one line
and makes the command exit non-zero; dlt only commits a source's new cursor together with
its data, so the warehouse keeps its last good state and re-running is always safe. The
whole run holds the warehouse's run lease (and, on the embedded warehouse, its run lock): a
second `make load`, `make nightly` or `dbt build` on the same warehouse, from this host or
another, exits at once.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from dlt.common.pipeline import LoadInfo

from loaders.common.errors import ActionableError, one_line
from loaders.common.output import protect_output
from loaders.common.pipeline import tune_dlt
from loaders.common.run_lock import run_guard
from loaders.common.settings import ConfigError, RunSettings, env, load_environment
from loaders.registry import SOURCES, read_settings, source_package, unknown_sources
from warehouse_client import WarehouseError, engine_kept_running, warehouse_engine

log = logging.getLogger("loaders")


def main(argv: list[str] | None = None) -> int:
    protect_output()
    try:
        load_environment()
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
    if unknown := unknown_sources(selected):
        parser.error(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")

    try:
        run = RunSettings.from_env()
        settings = read_settings(run, selected)
    except ConfigError as error:
        print(f"configuration error: {one_line(error)}", file=sys.stderr)
        return 2
    try:
        with run_guard(run, "make load"), engine_kept_running(run.warehouse_url):
            # the warehouse's engine, once: a ClickHouse older than supported stops here
            tune_dlt(run, warehouse_engine(run.warehouse_url))
            failed = load_sources(run, settings)
    except (ActionableError, WarehouseError) as error:  # the lease, or the warehouse itself
        print(f"load not started: {one_line(error)}", file=sys.stderr)
        return 1
    return 1 if failed else 0


def load_sources(run: RunSettings, settings: dict[str, Any]) -> list[str]:
    """Run each source; each fails alone. The names of those that failed."""
    failed = []
    for name, source_settings in settings.items():
        if reason := source_settings.skip_reason:
            log.info("source %s skipped: %s", name, reason)
            continue
        try:
            info = source_package(name).load(run, source_settings)
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
