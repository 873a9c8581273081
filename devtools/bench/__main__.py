"""python -m devtools.bench --scale 0.1: the nightly job at scale against the mysql() floor.

1. a real MariaDB (harness.mariadb) filled by the demo generator at --scale;
2. a full `make load` (the loader CLI as a child) per table, with its peak RSS;
3. the floor: chDB's INSERT ... SELECT FROM mysql() of the same tables;
4. a full `dbt build` and its five slowest models;
5. one night of changes of the same absolute size at every scale (NIGHT_ORDERS orders
   touched, fewer below SCALE=1 in proportion), then `make load && dbt build`: its wall
   time, the models' own time (sum of run_results.json model timings) and the dbt process's
   peak RSS against the full build's;
6. the marts then must equal a rebuild from scratch (full load + dbt build in a fresh
   warehouse), or the bench exits 1;
7. the VK fetch of the linked users from the sandbox (calls, seconds, calls x min gap),
   and the ad loaders on a 1,000-ads x 90-days account from the sandbox (bench/ads.py);
8. everything as JSON in devtools/bench/results/<timestamp>.json, and a short table here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from devtools.bench import report, vk
from devtools.bench.ads import bench_ads
from devtools.bench.ads import render as render_ads
from devtools.bench.floor import measure_floor
from devtools.bench.marts import differences, fingerprint
from devtools.bench.progress import progress
from devtools.bench.startup import loader_start
from devtools.bench.trace import table_timings
from devtools.demo_shop.generator import apply_changes, write_shop
from devtools.harness.children import ChildFailed, ChildRun
from devtools.harness.mariadb import MariaDBServer
from devtools.harness.warehouse import Warehouse

TABLES = ["cities", "users", "tovary", "zakazy", "zakazy_tovary"]
NIGHT_ORDERS = 10_000  # orders a night touches (status changes and new orders, each)
RSS_FLAT = 1.25  # "flat": the peak at one scale within 25% of the peak at another


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def full_load(warehouse: Warehouse) -> dict[str, Any]:
    run = warehouse.timed_load("full")
    timings = table_timings(warehouse.pipelines_dir, TABLES)
    tables = {
        name: {
            "rows": t.rows,
            "seconds": round(t.seconds, 3),
            "extract_seconds": round(t.extract_seconds, 3),
            "load_seconds": round(t.load_seconds, 3),
        }
        for name, t in timings.items()
    }
    overhead = run.seconds - sum(t.seconds for t in timings.values())
    return {**run.as_json(), "tables": tables, "overhead_seconds": round(overhead, 3)}


def model_timings(run_results: Path) -> dict[str, float]:
    """Each model's own execution time in a dbt run (no tests, no start-up)."""
    results = json.loads(run_results.read_text())["results"]
    return {
        r["unique_id"].split(".")[-1]: r["execution_time"]
        for r in results
        if r["unique_id"].startswith("model.")
    }


def dbt_figures(run: ChildRun, run_results: Path) -> dict[str, Any]:
    models = model_timings(run_results)
    slowest = sorted(models.items(), key=lambda item: item[1], reverse=True)[:5]
    return {
        "seconds": round(run.seconds, 3),
        "models_seconds": round(sum(models.values()), 3),
        "peak_rss_mb": round(run.peak_rss_mb, 1),
        "slowest_models": [{"name": n, "seconds": round(t, 2)} for n, t in slowest],
    }


def night_fraction(scale: float, orders: int) -> float:
    """The fraction of orders apply_changes touches so that a night is NIGHT_ORDERS at
    SCALE >= 1 and proportionally fewer below (a tiny shop has fewer orders to touch)."""
    return NIGHT_ORDERS * min(scale, 1.0) / max(orders, 1)


def nightly(
    server: MariaDBServer, warehouse: Warehouse, seed: int, fraction: float
) -> dict[str, Any]:
    changes = apply_changes(server.admin_url, seed=seed, fraction=fraction)
    load: ChildRun = warehouse.timed_load("nightly")
    loaded = table_timings(warehouse.pipelines_dir, TABLES)
    dbt = warehouse.timed_dbt_build("nightly")
    return {
        "fraction": round(fraction, 5),
        "changes": {
            **{k: changes[k] for k in ("new_orders", "new_lines", "status_changes", "new_users")},
            "edited_orders": len(changes["edited_orders"]),
            "now": str(changes["now"]),
        },
        "load_seconds": round(load.seconds, 3),
        "load_peak_rss_mb": round(load.peak_rss_mb, 1),
        "load_rows": {name: t.rows for name, t in loaded.items()},
        "dbt_seconds": round(dbt.seconds, 3),
        "dbt": dbt_figures(dbt, warehouse.run_results),
        "seconds": round(load.seconds + dbt.seconds, 3),
    }


def ratios(load: dict[str, Any], floor: Any) -> dict[str, Any]:
    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 2) if b > 0 else None

    return {
        "tables": {
            name: ratio(t["seconds"], floor.tables[name]["seconds"])
            for name, t in load["tables"].items()
        },
        "process": ratio(load["seconds"], floor.process.seconds),
        "inserts": ratio(load["seconds"], floor.insert_seconds),
    }


def bench(scale: float, seed: int, work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"scale": scale, "seed": seed, "work_dir": str(work)}
    results["machine"] = {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()[0]}
    results["versions"] = {p: version(p) for p in ("dlt", "chdb", "connectorx", "dbt-core")}
    # A buffer pool that holds the big shop's indexes: at 128M, SCALE=10 inserts crawl.
    with MariaDBServer(buffer_pool="4G" if scale >= 1 else "512M") as server:
        log(
            f"MariaDB on 127.0.0.1:{server.port}; generating the shop at SCALE={scale}"
            f" (~{scale:g}M orders; SCALE=10 takes the better part of an hour)"
        )
        started = time.perf_counter()
        with progress(server):
            rows = write_shop(server.admin_url, scale=scale, seed=seed)
        results["generate"] = {"seconds": round(time.perf_counter() - started, 1), "rows": rows}
        log(f"generated {rows} in {results['generate']['seconds']} s")

        nightly_wh = Warehouse(work / "nightly", server.readonly_url)
        log("full make load")
        results["full_load"] = load = full_load(nightly_wh)
        log(f"full load {load['seconds']:.1f} s, peak RSS {load['peak_rss_mb']:.0f} MB")

        log("floor: INSERT ... SELECT FROM mysql() per table")
        floor = measure_floor(
            work / "floor",
            "127.0.0.1",
            server.port,
            server.database,
            server.readonly_user,
            server.readonly_password,
            TABLES,
        )
        results["floor"] = {
            "process_seconds": round(floor.process.seconds, 3),
            "insert_seconds": round(floor.insert_seconds, 3),
            "tables": {
                k: {**v, "seconds": round(v["seconds"], 3)} for k, v in floor.tables.items()
            },
        }
        results["load_vs_floor"] = ratios(load, floor)

        log("full dbt build")
        build = nightly_wh.timed_dbt_build("full")
        results["dbt_build"] = dbt_figures(build, nightly_wh.run_results)
        results["full_run_seconds"] = round(load["seconds"] + build.seconds, 3)
        log(f"dbt build {build.seconds:.1f} s")

        fraction = night_fraction(scale, rows.get("zakazy", 0))
        log(f"one night of changes (fraction {fraction:.4f}), then make load && dbt build")
        results["nightly"] = night = nightly(server, nightly_wh, seed, fraction)
        night["fraction_of_full"] = round(night["seconds"] / results["full_run_seconds"], 3)
        full_dbt = results["dbt_build"]
        night["models_fraction"] = round(
            night["dbt"]["models_seconds"] / max(full_dbt["models_seconds"], 1e-9), 3
        )
        night["rss_fraction"] = round(night["dbt"]["peak_rss_mb"] / full_dbt["peak_rss_mb"], 3)
        log(f"nightly run {night['seconds']:.1f} s")

        log("rebuild from scratch in a fresh warehouse: full load + dbt build")
        rebuild_wh = Warehouse(work / "rebuild", server.readonly_url)
        rebuild_load, rebuild_dbt = (
            rebuild_wh.timed_load("rebuild"),
            rebuild_wh.timed_dbt_build("rebuild"),
        )
    _, incremental = fingerprint(nightly_wh, "incremental")
    _, rebuilt = fingerprint(rebuild_wh, "rebuild")
    log("VK profiles of the scale's linked users from the sandbox (after the marts compare)")
    results["vk"] = vk.measure_vk_fetch(nightly_wh)
    log(vk.render(results["vk"]))
    diff = differences(incremental, rebuilt)
    results["verify"] = {
        "equal": not diff,
        "diff": diff,
        "rebuild_load_seconds": round(rebuild_load.seconds, 3),
        "rebuild_dbt_seconds": round(rebuild_dbt.seconds, 3),
        "incremental": incremental,
        "rebuild": rebuilt,
    }
    results["loader_start"] = loader_start()
    results["machine"]["loadavg_end"] = os.getloadavg()[0]
    return results


def judge(results: dict[str, Any]) -> None:
    peaks = {**report.peak_rss_by_scale(), results["scale"]: results["full_load"]["peak_rss_mb"]}
    results["rss_by_scale"] = peaks
    process_ratio = results["load_vs_floor"]["process"]
    results["targets"] = {
        "load_vs_floor": None if process_ratio is None else process_ratio <= 3,
        "rss_flat": max(peaks.values()) <= RSS_FLAT * min(peaks.values())
        if len(peaks) > 1
        else None,
        "dbt_build": results["dbt_build"]["seconds"] < 60,
        "nightly": results["nightly"]["fraction_of_full"] <= 0.10,
        "nightly_models": results["nightly"]["models_fraction"] <= 0.10,
        "nightly_rss": results["nightly"]["rss_fraction"] <= 0.50,
    }
    results["nightly_by_scale"] = {
        **report.nightly_by_scale(),
        results["scale"]: report.nightly_summary(results),
    }


def main(argv: list[str] | None = None) -> int:
    summary = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m devtools.bench", description=summary)
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = 1M orders (default 0.1)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the warehouses and logs")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        results = bench(args.scale, args.seed, work)
    except ChildFailed as error:
        print(f"bench failed: {error}\n(logs kept in {work})", file=sys.stderr)
        return 1
    judge(results)
    # the marts' figures are written first: a failing ad bench must not lose an hour's run
    path = report.write_json(results)
    print(report.render(results))
    print(vk.render(results["vk"]))
    log("ad platforms: 1,000 ads x 90 days per platform from the sandbox")
    try:
        results["ads"] = bench_ads(work / "ads")
    except ChildFailed as error:
        print(f"bench failed: {error}\n(logs kept in {work}; figures: {path})", file=sys.stderr)
        return 1
    report.write_json(results, path=path)
    print(render_ads(results["ads"]))
    print(f"figures: {path}")
    if args.keep:
        print(f"warehouses and logs: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if not results["verify"]["equal"]:
        print(
            "bench failed: the marts after the nightly run differ from a rebuild", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
