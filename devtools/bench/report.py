"""The bench's figures: a JSON file per run and a short table on stdout."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"  # git-ignored


def write_json(
    results: dict[str, Any], directory: Path = RESULTS_DIR, path: Path | None = None
) -> Path:
    """A new timestamped file in `directory`, or `path` rewritten (a run adding figures)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = path or directory / f"{datetime.now().strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, default=str, ensure_ascii=False) + "\n")
    return path


def peak_rss_by_scale(directory: Path = RESULTS_DIR) -> dict[float, float]:
    """The loader's peak RSS of the latest earlier run at each scale (to see it stay flat)."""
    peaks: dict[float, float] = {}
    for path in sorted(directory.glob("*.json")):  # timestamped names: later ones win
        try:
            data = json.loads(path.read_text())
            peaks[float(data["scale"])] = float(data["full_load"]["peak_rss_mb"])
        except (ValueError, KeyError, TypeError):
            continue
    return peaks


def nightly_summary(results: dict[str, Any]) -> dict[str, Any]:
    """The figures that compare one night across scales."""
    night = results["nightly"]
    return {
        "orders": results["generate"]["rows"].get("zakazy"),
        "night_status_changes": night["changes"]["status_changes"],
        "night_new_orders": night["changes"]["new_orders"],
        "nightly_seconds": night["seconds"],
        "nightly_dbt_seconds": night["dbt_seconds"],
        "nightly_models_seconds": night["dbt"]["models_seconds"],
        "nightly_dbt_peak_rss_mb": night["dbt"]["peak_rss_mb"],
        "full_run_seconds": results["full_run_seconds"],
        "full_models_seconds": results["dbt_build"]["models_seconds"],
        "full_dbt_peak_rss_mb": results["dbt_build"]["peak_rss_mb"],
    }


def nightly_by_scale(directory: Path = RESULTS_DIR) -> dict[float, dict[str, Any]]:
    """nightly_summary of the latest earlier run at each scale that has one."""
    found: dict[float, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text())
            found[float(data["scale"])] = data["nightly_by_scale"][str(data["scale"])]
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _nightly_lines(results: dict[str, Any]) -> list[str]:
    night, full, targets = results["nightly"], results["dbt_build"], results["targets"]
    lines = [
        f"  dbt models' own time: nightly {night['dbt']['models_seconds']:.1f} s vs full"
        f" {full['models_seconds']:.1f} s = {night['models_fraction']:.0%}"
        f"  target <= 10%: {_mark(targets['nightly_models'])}",
        f"  dbt peak RSS: nightly {night['dbt']['peak_rss_mb']:.0f} MB vs full"
        f" {full['peak_rss_mb']:.0f} MB = {night['rss_fraction']:.0%}"
        f"  target <= 50%: {_mark(targets['nightly_rss'])}",
        "  nightly slowest models (s): "
        + ", ".join(f"{m['name']} {m['seconds']:.1f}" for m in night["dbt"]["slowest_models"]),
        "same night by scale (latest runs): scale, orders, nightly s (models s), full run s"
        " (models s), dbt peak MB nightly/full",
    ]
    by_scale = sorted((float(k), v) for k, v in results["nightly_by_scale"].items())
    for scale, n in by_scale:
        lines.append(
            f"  {scale:g}: {n['orders'] or 0:,} orders, {n['nightly_seconds']:.1f}"
            f" ({n['nightly_models_seconds']:.1f}), {n['full_run_seconds']:.1f}"
            f" ({n['full_models_seconds']:.1f}), {n['nightly_dbt_peak_rss_mb']:.0f}"
            f"/{n['full_dbt_peak_rss_mb']:.0f}"
        )
    start = results["loader_start"]
    lines.append(
        f"loader start: import {start['import_loader_seconds']:.2f} s (imports dbt:"
        f" {start['loader_imports_dbt']}); importing the dbt adapter alone would add"
        f" {start['import_dbt_adapter_seconds']:.2f} s, warehouse_client takes"
        f" {start['import_warehouse_client_seconds']:.2f} s"
    )
    return lines


def _rate(rows: float, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "-"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _by_scale(peaks: dict[Any, float]) -> list[tuple[float, float]]:
    return sorted((float(scale), mb) for scale, mb in peaks.items())  # JSON keys are strings


def _spread(peaks: dict[float, float]) -> str:
    return f"{max(peaks.values()) / min(peaks.values()):.2f}" if len(peaks) > 1 else "-"


def _mark(ok: bool | None) -> str:
    return {True: "ok", False: "MISSED", None: "(one scale only)"}[ok]


def render(results: dict[str, Any]) -> str:
    load, floor, ratio = results["full_load"], results["floor"], results["load_vs_floor"]
    machine, targets = results["machine"], results["targets"]
    lines = [
        f"make bench SCALE={results['scale']} (seed {results['seed']}); load average "
        f"{machine['loadavg_start']:.1f} -> {machine['loadavg_end']:.1f} on {machine['cpus']}"
        " CPUs (the machine is shared: above ~1, other work competes for the CPU)",
        f"shop generated in {results['generate']['seconds']:.1f} s (not counted in any figure)",
        "",
        f"{'full load':<16}{'rows':>11}{'loader s':>10}{'rows/s':>11}"
        f"{'floor s':>9}{'rows/s':>11}{'loader/floor':>14}",
    ]
    for name, table in load["tables"].items():
        base = floor["tables"].get(name, {"seconds": 0.0})
        lines.append(
            f"  {name:<14}{table['rows']:>11,}{table['seconds']:>10.2f}"
            f"{_rate(table['rows'], table['seconds']):>11}{base['seconds']:>9.2f}"
            f"{_rate(table['rows'], base['seconds']):>11}{_ratio(ratio['tables'].get(name)):>14}"
        )
    rows = sum(t["rows"] for t in load["tables"].values())
    lines += [
        f"  {'whole process':<14}{rows:>11,}{load['seconds']:>10.2f}"
        f"{_rate(rows, load['seconds']):>11}"
        f"{floor['process_seconds']:>9.2f}{_rate(rows, floor['process_seconds']):>11}"
        f"{_ratio(ratio['process']):>14}  target <= 3: {_mark(targets['load_vs_floor'])}",
        f"  (per table: extract + load jobs, from dlt's trace; overhead"
        f" {load['overhead_seconds']:.1f} s: start, imports, state; loader vs the bare INSERTs"
        f" ({floor['insert_seconds']:.2f} s):"
        f" {_ratio(ratio['inserts'])})",
        f"loader peak RSS {load['peak_rss_mb']:.0f} MB; by scale (latest runs): "
        + ", ".join(f"{float(s):g}: {mb:.0f} MB" for s, mb in _by_scale(results["rss_by_scale"]))
        + f"  largest/smallest {_spread(results['rss_by_scale'])}, flat (<= 1.25):"
        f" {_mark(targets['rss_flat'])}",
    ]
    build = results["dbt_build"]
    slowest = ", ".join(f"{m['name']} {m['seconds']:.1f}" for m in build["slowest_models"])
    lines += [
        f"dbt build (full) {build['seconds']:.1f} s  target < 60 s: {_mark(targets['dbt_build'])}",
        f"  slowest models (s): {slowest}",
    ]
    night = results["nightly"]
    changes = night["changes"]
    lines += [
        f"nightly changes: {changes['new_orders']:,} new orders ({changes['new_lines']:,} lines),"
        f" {changes['status_changes']:,} status changes, {changes['edited_orders']:,} edited"
        f" orders, {changes['new_users']:,} new users",
        f"  make load {night['load_seconds']:.1f} s + dbt build {night['dbt_seconds']:.1f} s ="
        f" {night['seconds']:.1f} s = {night['fraction_of_full']:.0%} of the full run"
        f" ({results['full_run_seconds']:.1f} s)  target <= 10%: {_mark(targets['nightly'])}",
        *_nightly_lines(results),
    ]
    verify = results["verify"]
    verdict = "equal" if verify["equal"] else "DIFFERENT:\n    " + "\n    ".join(verify["diff"])
    lines.append(
        f"marts after the night vs a rebuild from scratch ({len(verify['incremental'])} marts,"
        f" rows, Decimal sums and a hash of every cell): {verdict}"
    )
    return "\n".join(lines)
