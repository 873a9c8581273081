"""`/metrics`: one reading in the Prometheus text format, written by prometheus_client."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Enum, Gauge, generate_latest

from ops.health.report import Reading

PREFIX = "shop_analytics_"
FRESHNESS_STATES = ["pass", "warn", "error", "runtime error"]


def _timestamp(iso: str | None) -> float | None:
    return datetime.fromisoformat(iso).timestamp() if iso else None


def _gauge(registry: CollectorRegistry, name: str, help_text: str, *labels: str) -> Gauge:
    return Gauge(PREFIX + name, help_text, labels, registry=registry)


def exposition(reading: Reading) -> bytes:
    """A fresh registry per reading: every series says what this reading says, nothing older."""
    registry = CollectorRegistry(auto_describe=True)
    report: dict[str, Any] = reading.report
    _gauge(registry, "healthy", "1 when `make status` finds no problem, else 0").set(reading.ok)
    _gauge(registry, "problems", "Problems `make status` reports").set(len(report["problems"]))
    _last_run(registry, report["last_run"])
    _sources(registry, report["sources"], report["freshness"])
    _tables(registry, report["freshness"])
    return generate_latest(registry)


def _last_run(registry: CollectorRegistry, run: dict[str, Any] | None) -> None:
    if not run:
        return
    started, ended = _timestamp(run["started_at"]), _timestamp(run["ended_at"])
    success = _gauge(registry, "last_run_success", "1 when the last nightly run succeeded")
    success.set(run["status"] == "success")
    if started is not None:
        _gauge(registry, "last_run_start_timestamp_seconds", "When the last run started").set(
            started
        )
    if started is not None and ended is not None:
        _gauge(registry, "last_run_duration_seconds", "How long the last run took").set(
            ended - started
        )


def _sources(
    registry: CollectorRegistry, sources: list[dict[str, Any]], tables: list[dict[str, Any]]
) -> None:
    load_ok = _gauge(
        registry, "source_last_load_success", "1 when the source's last load succeeded", "source"
    )
    success_at = _gauge(
        registry,
        "source_last_success_timestamp_seconds",
        "When the source last loaded successfully",
        "source",
    )
    rows = _gauge(
        registry, "source_last_success_rows", "Rows of the source's last good load", "source"
    )
    hours = _gauge(
        registry,
        "source_freshness_hours",
        "Hours behind of the source's stalest table (newest row to now)",
        "source",
    )
    for source in sources:
        name = source["source"]
        load_ok.labels(name).set(source["last_status"] == "success")
        rows.labels(name).set(source["last_success_rows"])
        if (at := _timestamp(source["last_success_at"])) is not None:
            success_at.labels(name).set(at)
    stalest: dict[str, float] = {}
    for table in tables:
        source_name = table["table"].split(".", 1)[0]
        age = table["age_hours"]
        if age is not None:
            stalest[source_name] = max(age, stalest.get(source_name, age))
    for name, age in stalest.items():
        hours.labels(name).set(age)


def _tables(registry: CollectorRegistry, tables: list[dict[str, Any]]) -> None:
    hours = _gauge(
        registry, "table_freshness_hours", "Hours from the table's newest row to now", "table"
    )
    state = Enum(
        PREFIX + "table_freshness",
        "The table's freshness against its thresholds",
        ["table"],
        states=FRESHNESS_STATES,
        registry=registry,
    )
    for table in tables:
        if table["age_hours"] is not None:
            hours.labels(table["table"]).set(table["age_hours"])
        state.labels(table["table"]).state(table["status"])
