"""Which days an ad-platform load re-reads, and how those days replace what was there.

Platforms revise recent statistics, so every run re-reads a trailing window of days
(ADS_RELOAD_DAYS, default 7), and the first run (no saved state) goes back ADS_INITIAL_DAYS
(default 90). After a gap the window starts at the last loaded day minus the reload window.
The loaded days replace the warehouse's rows of exactly those days: dlt's delete-insert
merge with a destination scope on the date range deletes every row of those days (also
rows that vanished from the platform) and inserts what the platform returned now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dlt.common.schema.typing import TColumnSchema, TDeleteInsertStrategyDict

from loaders.common.settings import env_date, env_int

MOSCOW = ZoneInfo("Europe/Moscow")
STATE_KEY = "loaded_through"  # the last day of the last successful load, in the source state
# the statistics' column types on every platform: the window's day, and money as it was sent
DATE: TColumnSchema = {"data_type": "date"}
MONEY: TColumnSchema = {"data_type": "decimal", "precision": 18, "scale": 2}


@dataclass(frozen=True)
class Window:
    date_from: date
    date_to: date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def chunks(self, max_days: int) -> list[Window]:
        """Consecutive sub-windows of at most `max_days` days (an API's limit per call)."""
        out, start = [], self.date_from
        while start <= self.date_to:
            end = min(start + timedelta(days=max_days - 1), self.date_to)
            out.append(Window(start, end))
            start = end + timedelta(days=1)
        return out

    def scope(self, column: str = "date") -> str:
        """dlt's destination scope: the destination rows this load replaces. The column is not
        qualified by its table: ClickHouse 24.8's DELETE cannot resolve `raw.<table>.<column>`."""
        return f"{column} BETWEEN '{self.date_from}' AND '{self.date_to}'"


@dataclass(frozen=True)
class WindowSettings:
    """ADS_RELOAD_DAYS, ADS_INITIAL_DAYS and ADS_TO_DATE, shared by every ad platform."""

    reload_days: int = 7
    initial_days: int = 90
    to_date: date | None = None  # fixed last day (demo, tests); None: today in Moscow

    @classmethod
    def from_env(cls) -> WindowSettings:
        return cls(
            reload_days=env_int("ADS_RELOAD_DAYS", 7, 1, 366),
            initial_days=env_int("ADS_INITIAL_DAYS", 90, 1, 3660),
            to_date=env_date("ADS_TO_DATE"),
        )

    def last_day(self) -> date:
        return self.to_date or datetime.now(MOSCOW).date()


def reload_window(source_state: dict[str, Any], settings: WindowSettings) -> Window:
    """The days to (re)load, from the last loaded day saved in the source's dlt state."""
    to = settings.last_day()
    last = source_state.get(STATE_KEY)
    if last is None:
        return Window(to - timedelta(days=settings.initial_days - 1), to)
    start = min(to, date.fromisoformat(str(last))) - timedelta(days=settings.reload_days - 1)
    return Window(start, to)


def merge_on_window(window: Window, column: str = "date") -> TDeleteInsertStrategyDict:
    """The write disposition that replaces exactly the window's days."""
    return {
        "disposition": "merge",
        "strategy": "delete-insert",
        "destination_scope": window.scope(column),
    }
