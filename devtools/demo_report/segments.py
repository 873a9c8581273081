"""The segment part of the demo summary: the last full week by segment, and its top 5.

Reads marts.mart_dimension_metrics and marts.mart_dimension_top_products (what DataLens
shows) for the last full Monday-Sunday week before the newest order date in fct_orders,
so the demo data (which ends on a fixed date) shows something whatever today's date is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clickhouse_connect.driver.client import Client

SUMMARY_DIMENSIONS = ("all", "sex", "age_group")

_WEEK_ROWS = """
SELECT period_start, dimension, dimension_value, orders, buyers, revenue
FROM marts.mart_dimension_metrics
WHERE period_grain = 'week'
  AND period_start IN (toDate(%(week)s), toDate(%(week)s) - 7)
  AND dimension IN %(dimensions)s
"""

_TOP_PRODUCTS = """
SELECT rank, product_id, product_name, revenue, units, orders
FROM marts.mart_dimension_top_products
WHERE period_grain = 'week' AND period_start = toDate(%(week)s) AND dimension = 'all'
ORDER BY rank
"""


@dataclass(frozen=True)
class SegmentWeek:
    """One segment's week next to the week before (zeros where it had no orders)."""

    dimension: str
    value: str
    orders: int
    prev_orders: int
    buyers: int
    revenue: Decimal
    prev_revenue: Decimal

    @property
    def revenue_delta_pct(self) -> float | None:
        if self.prev_revenue == 0:
            return None
        return float((self.revenue - self.prev_revenue) / self.prev_revenue)


def last_full_week(newest_order_date: dt.date) -> dt.date:
    """Monday of the last Monday-Sunday week that ended before `newest_order_date`.

    The newest order's day may still be running when the data was loaded, so its week is
    never the "last full" one, even on a Sunday.
    """
    this_monday = newest_order_date - dt.timedelta(days=newest_order_date.weekday())
    return this_monday - dt.timedelta(days=7)


def _value_order(row: SegmentWeek) -> tuple[int, bool, bool, str]:
    # 'all' first, then the dimensions in SUMMARY_DIMENSIONS order; within one, '<18'
    # before '18-24' and 'unknown' last
    return (
        SUMMARY_DIMENSIONS.index(row.dimension),
        row.value == "unknown",
        not row.value.startswith("<"),
        row.value,
    )


def segment_weeks(rows: Iterable[Sequence[Any]], week: dt.date) -> list[SegmentWeek]:
    """Pair each segment's `week` row with its row of the week before.

    `rows` are (period_start, dimension, dimension_value, orders, buyers, revenue) of both
    weeks. A segment that had orders only in the week before is kept, with 0 for `week`.
    """
    current: dict[tuple[str, str], Sequence[Any]] = {}
    previous: dict[tuple[str, str], Sequence[Any]] = {}
    for row in rows:
        key = (str(row[1]), str(row[2]))
        (current if row[0] == week else previous)[key] = row
    result = []
    for key in current.keys() | previous.keys():
        now, before = current.get(key), previous.get(key)
        result.append(
            SegmentWeek(
                dimension=key[0],
                value=key[1],
                orders=int(now[3]) if now else 0,
                prev_orders=int(before[3]) if before else 0,
                buyers=int(now[4]) if now else 0,
                revenue=Decimal(str(now[5])) if now else Decimal(0),
                prev_revenue=Decimal(str(before[5])) if before else Decimal(0),
            )
        )
    return sorted(result, key=_value_order)


def _money(value: Decimal, signed: bool = False) -> str:
    return f"{value:+,.2f}" if signed else f"{value:,.2f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1%}"


def format_week_table(rows: Sequence[SegmentWeek]) -> list[str]:
    header = (
        f"  {'dimension':<10} {'value':<10} {'orders':>7} {'Δ':>5} {'buyers':>7}"
        f" {'revenue':>14} {'Δ revenue':>14} {'Δ %':>8}"
    )
    lines = [header]
    for row in rows:
        lines.append(
            f"  {row.dimension:<10} {row.value:<10} {row.orders:>7,} "
            f"{row.orders - row.prev_orders:>+5,} {row.buyers:>7,}"
            f" {_money(row.revenue):>14} {_money(row.revenue - row.prev_revenue, True):>14}"
            f" {_pct(row.revenue_delta_pct):>8}"
        )
    return lines


def format_top_products(rows: Sequence[Sequence[Any]]) -> list[str]:
    labels = [f"{name} (id {product_id})" for _, product_id, name, *_ in rows]
    width = max([len("product"), *map(len, labels)])
    lines = [f"  {'#':>2}  {'product':<{width}} {'revenue':>14} {'units':>7} {'orders':>7}"]
    for label, (rank, _, _, revenue, units, orders) in zip(labels, rows, strict=True):
        lines.append(
            f"  {rank:>2}  {label:<{width}} {_money(Decimal(str(revenue))):>14}"
            f" {int(units):>7,} {int(orders):>7,}"
        )
    return lines


def summary_lines(client: Client) -> list[str]:
    """The week table and the week's top 5, or one line saying why there is nothing yet."""
    tables = {
        name
        for (name,) in client.query(
            "SELECT name FROM system.tables WHERE database = 'marts'"
        ).result_rows
    }
    if not {"fct_orders", "mart_dimension_metrics", "mart_dimension_top_products"} <= tables:
        return ["no segment metrics yet: run `dbt build`"]
    newest = client.query("SELECT max(order_date), count() FROM marts.fct_orders").result_rows
    if not newest or not newest[0][1]:
        return ["no counted orders yet: nothing to summarise by segment"]
    newest_date: dt.date = newest[0][0]
    week = last_full_week(newest_date)
    week_rows = client.query(
        _WEEK_ROWS, parameters={"week": week, "dimensions": SUMMARY_DIMENSIONS}
    ).result_rows
    top = client.query(_TOP_PRODUCTS, parameters={"week": week}).result_rows
    sunday = week + dt.timedelta(days=6)
    lines = [
        f"week {week} – {sunday} (the last full week before the newest order, "
        f"{newest_date}), compared with the week before:"
    ]
    rows = segment_weeks(week_rows, week)
    lines += format_week_table(rows) if rows else ["  no orders that week or the week before"]
    lines.append("top 5 products of that week, all customers:")
    lines += format_top_products(top) if top else ["  no order lines that week"]
    return lines


def print_summary(client: Client) -> None:
    print("\n".join(summary_lines(client)))
