"""What a load saw that a person should know: schema drift, rows dated in the future, rows
without a cursor value. Printed as warnings in the load's output and landed, with the load's
id, in `raw.mysql__load_events` (one row per finding)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from loaders.mysql.schema_check import Drift

log = logging.getLogger(__name__)

EVENTS_TABLE = "load_events"
EVENT_COLUMNS: Any = {
    "table_name": {"data_type": "text", "nullable": False},
    "column_name": {"data_type": "text", "nullable": False},
    "change": {"data_type": "text", "nullable": False},
    "detail": {"data_type": "text", "nullable": False},
    "row_count": {"data_type": "bigint", "nullable": True},
    "detected_at": {"data_type": "timestamp", "nullable": False},
}


@dataclass
class CursorFindings:
    """Rows of one table whose cursor is NULL or beyond now + tolerance."""

    null_rows: int = 0
    future_rows: int = 0
    latest: datetime | None = None


@dataclass
class LoadReport:
    drifts: list[Drift] = field(default_factory=list)
    cursors: dict[str, CursorFindings] = field(default_factory=dict)
    capped: dict[str, datetime] = field(default_factory=dict)
    # run once every table was read, before the report is written (the cursor caps)
    on_finish: list[Callable[[], None]] = field(default_factory=list)

    def cursor(self, table: str) -> CursorFindings:
        return self.cursors.setdefault(table, CursorFindings())

    def events(self) -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = [
            {
                "table_name": d.table,
                "column_name": d.column,
                "change": d.change,
                "detail": d.detail,
                "row_count": None,
                "detected_at": now,
            }
            for d in self.drifts
        ]
        for table, found in sorted(self.cursors.items()):
            if found.future_rows:
                cap = self.capped.get(table)
                rows.append(
                    {
                        "table_name": table,
                        "column_name": "updated_at",
                        "change": "future_rows",
                        "detail": f"loaded; latest {found.latest}; cursor kept at {cap}",
                        "row_count": found.future_rows,
                        "detected_at": now,
                    }
                )
            if found.null_rows:
                rows.append(
                    {
                        "table_name": table,
                        "column_name": "updated_at",
                        "change": "null_cursor",
                        "detail": "loaded; re-read every night until updated_at is set",
                        "row_count": found.null_rows,
                        "detected_at": now,
                    }
                )
        return rows

    def resource(self) -> DltResource:
        """Runs after the tables (one resource at a time), so it sees all they found."""

        @dlt.resource(name=EVENTS_TABLE, write_disposition="append", columns=EVENT_COLUMNS)
        def load_events() -> Iterator[list[dict[str, Any]]]:
            for finish in self.on_finish:
                finish()
            rows = self.events()
            for row in rows:
                count = f" [{row['row_count']} row(s)]" if row["row_count"] else ""
                log.warning(
                    "table %s column %s: %s%s (%s)",
                    row["table_name"],
                    row["column_name"],
                    row["change"],
                    count,
                    row["detail"],
                )
            if rows:
                yield rows

        return load_events()
