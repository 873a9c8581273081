"""When the demo shop ends: a fixed day for tests and the bench, today for `make demo`.

Tests, the bench and `make test-dbt` compare against fixed figures, so their shop ends on
END_DATE. The demo's shop (`--last-day today`) ends now, so that `dbt source freshness` and
`make status` pass on the day it is made: its history is generated up to yesterday 23:59, then
one night's changes (generator.apply_changes) are stamped with the shop's clock now (Moscow
wall time), as if the shop had been open all day. The generator records the shop's last day
beside a SQLite shop (`<file>.json`); the sandbox reads it there, so the ad accounts'
statistics end on the same day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

END_DATE = datetime(2026, 11, 22, 23, 59)  # fixed, so every run and every machine agree
SQLITE_PREFIX = "sqlite:///"


def shop_now() -> datetime:
    """The shop's wall clock now: Moscow time without a zone, as its DATETIMEs are written."""
    from loaders.mysql.source import SHOP_TIME_ZONE  # the loader's clock (imports dlt: lazily)

    return datetime.now(SHOP_TIME_ZONE).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class ShopDates:
    """The generated history ends at `history_end`; `changes_at`: one night's changes then."""

    history_end: datetime
    changes_at: datetime | None = None

    @property
    def last_day(self) -> date:
        return (self.changes_at or self.history_end).date()


def shop_dates(last_day: str, now: datetime | None = None) -> ShopDates:
    """`YYYY-MM-DD`: the history ends that day at END_DATE's time (23:59); `today`: it ends
    yesterday and today's changes are stamped `now` (default: the shop's clock)."""
    if last_day == "today":
        now = now or shop_now()
        return ShopDates(_day_end(now.date() - timedelta(days=1)), now)
    return ShopDates(_day_end(date.fromisoformat(last_day)))


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time(END_DATE.hour, END_DATE.minute))


def record_path(shop_url: str) -> Path | None:
    """Where the last day of a SQLite shop is recorded: beside its file; None for a server."""
    if not shop_url.startswith(SQLITE_PREFIX):
        return None
    return Path(shop_url.removeprefix(SQLITE_PREFIX) + ".json")


def record_last_day(shop_url: str, dates: ShopDates) -> None:
    path = record_path(shop_url)
    if path is not None:
        path.write_text(json.dumps({"last_day": dates.last_day.isoformat()}) + "\n")


def recorded_last_day(shop_url: str) -> date | None:
    """The last day the generator recorded for this shop; None when it recorded none."""
    path = record_path(shop_url)
    if path is None or not path.exists():
        return None
    return date.fromisoformat(json.loads(path.read_text())["last_day"])
