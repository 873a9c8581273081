"""The incremental cursor of a shop table cannot be poisoned by a row dated in the future."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc

from loaders.mysql.load_report import LoadReport

# rows dated up to this far ahead of the source's clock are clock skew, not news
FUTURE_TOLERANCE = timedelta(minutes=15)


class CursorGuard:
    """A step after a table's incremental: reports rows whose `updated_at` is NULL or beyond
    the source's clock + FUTURE_TOLERANCE, and keeps the saved cursor at the source's clock
    at most, so the next night still reads every row changed after tonight's read.

    dlt raises the cursor to the newest value it saw after each batch, so the cap is applied
    after each batch, and once more by the report resource after every table was read."""

    def __init__(self, table: str, now: datetime, report: LoadReport) -> None:
        self.table, self.now, self.report = table, now, report
        self._limit = pa.scalar(now + FUTURE_TOLERANCE, pa.timestamp("us", "UTC"))
        report.on_finish.append(self.cap_saved_cursor)

    def __call__(self, batch: Any) -> Any:
        found = self.report.cursor(self.table)
        cursor = batch.column("updated_at")
        found.null_rows += cursor.null_count
        future = pc.filter(cursor, pc.greater(cursor.cast(self._limit.type), self._limit))
        if len(future):
            found.future_rows += len(future)
            latest = pc.max(future).as_py()
            found.latest = latest if found.latest is None else max(found.latest, latest)
        self._cap(dlt.current.resource_state())
        return batch

    def cap_saved_cursor(self) -> None:
        self._cap(dlt.current.source_state().get("resources", {}).get(self.table, {}))

    def _cap(self, resource_state: dict[str, Any]) -> None:
        cursor = resource_state.get("incremental", {}).get("updated_at", {})
        value = cursor.get("last_value")
        if not isinstance(value, datetime):
            return
        now = self.now if value.tzinfo is not None else self.now.replace(tzinfo=None)
        if value > now:
            cursor["last_value"] = now
            cursor["unique_hashes"] = []  # they were the future rows' hashes
            self.report.capped[self.table] = now
