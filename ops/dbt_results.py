"""What a dbt run did, read from its artifacts: target/run_results.json and sources.json."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_PERIOD_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_BAD = {"error", "fail", "runtime error"}


@dataclass(frozen=True)
class NodeResult:
    kind: str  # model, test, unit_test, seed, snapshot, operation
    name: str
    status: str  # success, error, skipped, pass, fail, warn, ...
    message: str

    @property
    def failed(self) -> bool:
        return self.status in _BAD

    @property
    def label(self) -> str:
        return f"{self.kind.replace('_', ' ')} {self.name}"


@dataclass
class BuildSummary:
    counts: dict[str, int] = field(default_factory=dict)  # "model:success" -> n
    failures: list[NodeResult] = field(default_factory=list)
    warnings: list[NodeResult] = field(default_factory=list)
    marts_built: list[str] = field(default_factory=list)  # relations in the marts databases

    def count(self, kind: str, *statuses: str) -> int:
        return sum(self.counts.get(f"{kind}:{status}", 0) for status in statuses)

    def line(self) -> str:
        return (
            f"{self.count('model', 'success')} models ok, {self.count('model', 'error')} failed; "
            f"tests {self.count('test', 'pass') + self.count('unit_test', 'success', 'pass')} "
            f"passed, {self.count('test', 'warn')} warned, "
            f"{self.count('test', 'fail', 'error') + self.count('unit_test', 'fail', 'error')} "
            f"failed; {sum(v for k, v in self.counts.items() if k.endswith(':skipped'))} skipped"
        )


@dataclass(frozen=True)
class Freshness:
    source: str
    table: str
    status: str  # pass, warn, error, runtime error
    max_loaded_at: str | None
    warn_after_seconds: float | None
    error_after_seconds: float | None
    message: str

    @property
    def stale(self) -> bool:
        return self.status in ("warn", "error")

    def age_hours(self, now: datetime) -> float | None:
        if not self.max_loaded_at:
            return None
        newest = datetime.fromisoformat(self.max_loaded_at.replace("Z", "+00:00"))
        return (now - newest).total_seconds() / 3600

    def describe(self, now: datetime | None = None) -> str:
        """`source mysql.zakazy is stale: newest row 30.5 h old (warn after 26 h, ...)`."""
        age = self.age_hours(now or datetime.now(UTC))
        limits = ", ".join(
            f"{name} after {seconds / 3600:g} h"
            for name, seconds in (
                ("warn", self.warn_after_seconds),
                ("error", self.error_after_seconds),
            )
            if seconds
        )
        newest = "no rows" if age is None else f"newest row {age:.1f} h old"
        return f"source {self.source}.{self.table} is stale: {newest} ({limits})"


def node_name(unique_id: str) -> tuple[str, str]:
    """('test', 'not_null_fct_orders_order_id') from a dbt unique_id."""
    parts = unique_id.split(".")
    kind = parts[0]
    if kind == "unit_test":
        return kind, ".".join(parts[2:])
    return kind, parts[2] if len(parts) > 2 else unique_id


def _first_line(text: Any) -> str:
    """The cause in one line: dbt's "Database Error in model x (path)" plus the line after it."""
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    if not lines:
        return ""
    if len(lines) > 1 and re.match(r"^\w+ Error in ", lines[0]):
        return f"{lines[0]}: {lines[1]}"[:400]
    return lines[0][:400]


def read_run_results(path: Path) -> BuildSummary | None:
    """The summary of one dbt build; None when dbt wrote no results (it did not start)."""
    if not path.exists():
        return None
    summary = BuildSummary()
    counts: Counter[str] = Counter()
    for result in json.loads(path.read_text())["results"]:
        kind, name = node_name(result["unique_id"])
        status = str(result["status"])
        counts[f"{kind}:{status}"] += 1
        node = NodeResult(kind, name, status, _first_line(result.get("message")))
        if node.failed:
            summary.failures.append(node)
        elif status == "warn":
            summary.warnings.append(node)
        relation = result.get("relation_name") or ""
        if kind == "model" and status == "success" and relation.startswith("`marts"):
            # published under `marts` whichever database it was built in
            summary.marts_built.append("marts." + relation.replace("`", "").split(".")[-1])
    summary.counts = dict(counts)
    return summary


def _seconds(rule: dict[str, Any] | None) -> float | None:
    if not rule or not rule.get("count") or not rule.get("period"):
        return None
    return float(rule["count"]) * _PERIOD_SECONDS[rule["period"]]


def read_freshness(path: Path) -> list[Freshness] | None:
    """Each source table's freshness from `dbt source freshness`; None without results."""
    if not path.exists():
        return None
    checks = []
    for result in json.loads(path.read_text())["results"]:
        _, _, source, table = result["unique_id"].split(".", 3)
        criteria = result.get("criteria") or {}
        checks.append(
            Freshness(
                source=source,
                table=table,
                status=str(result["status"]),
                max_loaded_at=result.get("max_loaded_at"),
                warn_after_seconds=_seconds(criteria.get("warn_after")),
                error_after_seconds=_seconds(criteria.get("error_after")),
                message=_first_line(result.get("error") or result.get("message")),
            )
        )
    return checks
